// Errors as values: what the library's public functions return instead of
// throwing.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace scstconf {

// Where and what went wrong. line/column are 1-based, 0 when unknown (a
// config built in memory, or an error about the whole file).
struct Error {
	std::string file;
	int line = 0;
	int column = 0;
	// What the error is about: a keyword, an attribute name, a JSON path
	// ("/handlers/0/devices/1/name"), or an object path
	// ("TARGET_DRIVER iscsi/TARGET t1/LUN 0/device").
	std::string field;
	std::string message;

	// "file:line:column: field: message", leaving out the unknown parts.
	std::string to_string() const;
	bool operator==(const Error &) const = default;
};

// A value or the Error that prevented it (std::expected is C++23).
template <class T>
class [[nodiscard]] Result {
public:
	Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
	Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

	bool ok() const { return v_.index() == 0; }
	explicit operator bool() const { return ok(); }

	// Only when ok().
	T &value() & { return std::get<0>(v_); }
	const T &value() const & { return std::get<0>(v_); }
	T &&value() && { return std::get<0>(std::move(v_)); }
	T *operator->() { return &value(); }
	const T *operator->() const { return &value(); }
	T &operator*() & { return value(); }
	const T &operator*() const & { return value(); }

	// Only when !ok().
	const Error &error() const { return std::get<1>(v_); }

private:
	std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
	Result() = default;
	Result(Error error) : error_(std::move(error)) {}

	bool ok() const { return !error_; }
	explicit operator bool() const { return ok(); }
	const Error &error() const { return *error_; }

private:
	std::optional<Error> error_;
};

}  // namespace scstconf
