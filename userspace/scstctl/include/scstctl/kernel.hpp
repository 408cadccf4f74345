// The kernel side of the control plane: read the running configuration
// from the "scst" generic netlink family, carry out scstconf::Op's and
// apply whole plans with rollback. Used by scstadmin and scstadmd.
#pragma once
#include <functional>
#include <vector>
#include <scstconf/model.hpp>
#include <scstconf/ops.hpp>
#include <scstconf/result.hpp>
namespace scstnl { class Client; }
namespace scstctl {
// The running configuration read from the kernel over netlink, as scst.conf would describe it
// (normalize()d; attributes that are not configuration, such as scst_local's always-on
// `enabled` or read-only status files, are left out).
scstconf::Result<scstconf::Config> read_running(scstnl::Client &nl);
// Carry out one primitive operation in the kernel.
scstconf::Result<void> apply_op(scstnl::Client &nl, const scstconf::Op &op);
struct ApplyOptions {
	bool cont_on_err = false;                               // go on after a failure, no rollback
	std::function<void(const scstconf::Op &)> on_op = {};   // called before each op (progress output)
};
struct ApplyReport {
	std::vector<scstconf::Op> done;                 // applied, in order
	std::vector<scstconf::Error> errors;            // failures (several only with cont_on_err)
	bool rolled_back = false;                       // a failure without cont_on_err: `done` was undone
	std::vector<scstconf::Error> rollback_errors;
	bool ok() const { return errors.empty(); }
};
// Apply `ops` in order; on the first failure (unless cont_on_err) undo what was done with
// scstconf::inverse() and report.
ApplyReport apply_plan(scstnl::Client &nl, const std::vector<scstconf::Op> &ops, const ApplyOptions &opt = {});

// Whether this kernel can carry out `op` at all (ALUA device groups are not
// implemented): apply_op() refuses it with this error; check a whole plan
// with it before applying anything.
scstconf::Result<void> check_supported(const scstconf::Op &op);

// A desired config in the form read_running() reports for the same kernel
// state, so that diff(running, canonical(desired, running)) is empty once it
// is applied: vdisk `size_mb N` becomes `size N*2^20`, boolean vdisk and LUN
// parameters that are 0 (their default) are dropped, and so is `enabled`
// of scst_local targets (always on); a running target that the config gives
// no `rel_tgt_id` keeps the one the kernel chose, an scst_local one without
// `session_name` its sessions. Not normalize()d; positions
// are kept.
scstconf::Config canonical(scstconf::Config desired, const scstconf::Config &running);
}
