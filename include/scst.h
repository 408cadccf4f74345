/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SCSI target core's contract with target drivers and device handlers.
 *
 * A target driver (iSCSI, SRP, FC, the local loopback host) turns transport
 * requests into SCSI commands and sends responses back. A device handler
 * (vdisk_fileio, vdisk_blockio, vdisk_nullio, ...) executes commands against
 * a backing store. The core sits between them: it owns LUN masking, the
 * command state machine, buffers, Unit Attentions and task management.
 *
 * Command life cycle, as a target driver sees it:
 *
 *   cmd = scst_rx_cmd(sess, lun, lun_len, cdb, cdb_len, gfp);
 *     or scst_rx_cmd_prealloced(cmd, sess, ...) in the driver's memory
 *   scst_cmd_set_tag(cmd, tag);
 *   scst_cmd_set_expected(cmd, dir, len);          optional, from the transport
 *   scst_cmd_set_tgt_sg(cmd, sg, nents);           optional: the buffer to use
 *   scst_cmd_init_done(cmd, context);
 *     -> tgtt->rdy_to_xfer(cmd)     (data-out commands) -> scst_rx_data(cmd, ..)
 *     -> tgtt->xmit_response(cmd)   send data-in + status -> scst_tgt_cmd_done()
 *     -> tgtt->on_free_cmd(cmd)     (optional) the core is done with the command
 *
 * Every callback may be invoked in process context; the *_atomic flags of a
 * template allow the core to call it from atomic context too.
 */
#ifndef SCST_H
#define SCST_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/kref.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/xarray.h>

#include "scst_const.h"

#define SCST_MAX_CDB_SIZE	32
#define SCST_MAX_NAME		256

struct scst_cmd;
struct scst_session;
struct scst_tgt;
struct scst_device;
struct scst_tgt_dev;
struct scst_mgmt_cmd;

/* Data transfer direction, as seen from the initiator (same as scst_cdb.h). */
#ifndef SCST_DIR_DEFINED
#define SCST_DIR_DEFINED
enum scst_data_dir {
	SCST_DIR_NONE = 0,
	SCST_DIR_IN = 1,	/* device to initiator: READ */
	SCST_DIR_OUT = 2,	/* initiator to device: WRITE */
	SCST_DIR_BIDI = 3,
};
#endif

/* In which context a core entry point is called, or should continue. */
enum scst_exec_context {
	SCST_CONTEXT_DIRECT,		/* process context, may sleep */
	SCST_CONTEXT_DIRECT_ATOMIC,	/* atomic context: the core defers sleepers */
	SCST_CONTEXT_THREAD,		/* always continue in a core thread */
	/*
	 * Process context that may sleep briefly (allocate, lock, send) but
	 * should not wait for a device, e.g. a driver's receive thread: the
	 * core runs the command here, up to its response, unless executing
	 * it may block (a handler without exec_atomic), which goes on in a
	 * core thread.
	 */
	SCST_CONTEXT_DIRECT_QUICK,
};

enum scst_queue_type {
	SCST_QUEUE_SIMPLE,
	SCST_QUEUE_ORDERED,
	SCST_QUEUE_HEAD_OF_QUEUE,
	SCST_QUEUE_ACA,
};

/* scst_rx_data() status. */
enum scst_rx_status {
	SCST_RX_STATUS_SUCCESS,
	SCST_RX_STATUS_ERROR,		/* transport failed: abort, send CHECK */
	SCST_RX_STATUS_ERROR_FATAL,	/* transport gone: finish silently */
	SCST_RX_STATUS_BUSY,		/* no buffer for the data: send BUSY */
};

/* What a device handler's exec() did with the command. */
enum scst_exec_res {
	SCST_EXEC_COMPLETED,	/* done, or will call scst_cmd_exec_done() */
	SCST_EXEC_NOT_HANDLED,	/* let the core emulate it (SPC commands) */
};

/* Return values of rdy_to_xfer() and xmit_response(). */
#define SCST_TGT_RES_SUCCESS		0
#define SCST_TGT_RES_QUEUE_FULL		-1	/* retry later */
#define SCST_TGT_RES_FATAL_ERROR	-2	/* give up on this command */

/**
 * struct scst_mv_attr - a multi-valued attribute of a target driver or of
 *			 its targets (SCST's add_attribute and
 *			 add_target_attribute), e.g. iSCSI's IncomingUser.
 *
 * The core keeps the values: each is a file (NAME, NAME1, NAME2...) that
 * shows "value" and "[key]", a SCST_A_ATTR of the netlink replies, and is
 * added and removed on its own ("add_attribute NAME VALUE" and
 * "add_target_attribute TARGET NAME VALUE" in targets/<driver>/mgmt, or
 * SCST_CMD_ATTR_ADD/DEL). Only the driver's user space (e.g. scstadmd's
 * iSCSI login) reads them, through netlink.
 *
 * @name:	the attribute's name.
 * @max_values:	at most this many values; 0: no limit.
 * @secret:	the values are credentials: their files are 0600 and netlink
 *		replies carry them only to CAP_NET_ADMIN. Never logged.
 * @check:	validate a value (blanks already trimmed), possibly shortening
 *		it in place into its canonical form; 0 or a negative errno,
 *		after logging why without the value if it is secret. NULL:
 *		any non-empty value.
 */
struct scst_mv_attr {
	const char *name;
	unsigned int max_values;
	bool secret;
	int (*check)(char *value);
};

/**
 * struct scst_tgt_template - a target driver (one per transport module).
 *
 * @name:		driver name, also its directory under targets/.
 * @sg_tablesize:	max scatterlist entries the driver can send or
 *			receive in one command; 0 means no limit.
 * @rdy_to_xfer:	fetch the data-out of @cmd into its buffer, then call
 *			scst_rx_data(). Required when the driver receives
 *			write data after the command; a driver that has it
 *			already, in the buffer it passed to
 *			scst_cmd_set_tgt_sg(), leaves it NULL.
 * @xmit_response:	send the data-in (scst_cmd_get_resp_data_len() bytes
 *			of scst_cmd_get_sg()) and the status or sense, then
 *			call scst_tgt_cmd_done(). For an aborted command
 *			(scst_cmd_aborted()) send nothing and just call
 *			scst_tgt_cmd_done().
 * @on_free_cmd:	the core is done with @cmd: its last access to it, in
 *			any context. A task management function that waits
 *			for @cmd completes only after this returns.
 * @task_mgmt_fn_done:	a task management function finished; read its
 *			response with scst_mgmt_cmd_get_status().
 * @on_luns_changed:	the LUN inventory of @sess changed (a REPORTED LUNS
 *			DATA HAS CHANGED Unit Attention was raised). Called
 *			with the core's configuration mutex held: only queue
 *			work (e.g. a rescan) from here.
 * @add_target:		"add_target NAME [params]" in targets/<driver>/mgmt.
 * @del_target:		"del_target NAME" in targets/<driver>/mgmt.
 * @mgmt_cmd:		any other line written to targets/<driver>/mgmt.
 * @mgmt_help:		usage text shown when targets/<driver>/mgmt is read.
 * @enable_target:	targets/<driver>/<target>/enabled was written.
 * @is_target_enabled:	read for targets/<driver>/<target>/enabled.
 * @tgt_attrs:		extra attributes of each target directory.
 * @sess_attrs:		extra attributes of each session directory.
 * @drv_mv_attrs:	multi-valued attributes of the driver, ended by an
 *			entry without a name.
 * @tgt_mv_attrs:	multi-valued attributes of each target, the same way.
 */
struct scst_tgt_template {
	const char *name;
	struct module *owner;
	unsigned int sg_tablesize;
	bool rdy_to_xfer_atomic;
	bool xmit_response_atomic;

	int (*rdy_to_xfer)(struct scst_cmd *cmd);
	int (*xmit_response)(struct scst_cmd *cmd);
	void (*on_free_cmd)(struct scst_cmd *cmd);
	void (*task_mgmt_fn_done)(struct scst_mgmt_cmd *mcmd);
	void (*on_luns_changed)(struct scst_session *sess);

	int (*add_target)(const char *name, char *params);
	int (*del_target)(const char *name);
	int (*mgmt_cmd)(char *cmd);
	const char *mgmt_help;
	int (*enable_target)(struct scst_tgt *tgt, bool enable);
	bool (*is_target_enabled)(struct scst_tgt *tgt);
	const struct attribute *const *tgt_attrs;
	const struct attribute *const *sess_attrs;
	const struct scst_mv_attr *drv_mv_attrs;
	const struct scst_mv_attr *tgt_mv_attrs;
};

/**
 * struct scst_dev_type - a device handler.
 *
 * @name:		handler name, also its directory under handlers/.
 * @type:		SCSI peripheral device type (SCST_TYPE_DISK, ...).
 * @threads_num:	size of each device's thread pool; 0 picks a default.
 * @exec_atomic:	exec() may be called in atomic context.
 * @attach/@detach:	a device of this handler is registered/unregistered.
 * @attach_tgt/@detach_tgt: an I_T nexus gained/lost access to the device.
 * @exec:		execute a command. Medium access commands are the
 *			handler's; return SCST_EXEC_NOT_HANDLED for the rest
 *			and the core answers them from the device's
 *			struct scst_lu_desc (see scst_spc.h). On completion,
 *			from any context, call scst_cmd_exec_done().
 * @add_device:		"add_device NAME [key=value;...]" in handlers/<name>/mgmt.
 * @del_device:		"del_device NAME" in handlers/<name>/mgmt.
 * @add_device_params:	NULL-terminated list of the keys add_device accepts.
 * @dev_attrs:		extra attributes of each device directory.
 */
struct scst_dev_type {
	const char *name;
	struct module *owner;
	u8 type;
	unsigned int threads_num;
	bool exec_atomic;

	int (*attach)(struct scst_device *dev);
	void (*detach)(struct scst_device *dev);
	int (*attach_tgt)(struct scst_tgt_dev *tgt_dev);
	void (*detach_tgt)(struct scst_tgt_dev *tgt_dev);
	enum scst_exec_res (*exec)(struct scst_cmd *cmd);

	int (*add_device)(const char *name, char *params);
	int (*del_device)(const char *name);
	const char *const *add_device_params;
	const struct attribute *const *dev_attrs;
};

/* Task management functions, SAM-5 (values in scst_const.h). */
struct scst_mgmt_cmd;

/*
 * ---- registration ----
 *
 * Functions returning a pointer return an ERR_PTR() on failure, except
 * scst_rx_cmd() and scst_rx_mgmt_fn() (atomic paths), which return NULL.
 * The management hooks (add_target, del_target, mgmt_cmd, add_device,
 * del_device) are called in process context without the core's mutex.
 */

int scst_register_target_template(const struct scst_tgt_template *tgtt);
void scst_unregister_target_template(const struct scst_tgt_template *tgtt);

struct scst_tgt *scst_register_target(const struct scst_tgt_template *tgtt,
				      const char *name, void *tgt_priv);
void scst_unregister_target(struct scst_tgt *tgt);
void scst_tgt_set_priv(struct scst_tgt *tgt, void *priv);
void *scst_tgt_get_priv(struct scst_tgt *tgt);
const char *scst_tgt_get_name(struct scst_tgt *tgt);
struct scst_tgt *scst_find_target(const struct scst_tgt_template *tgtt,
				  const char *name);

struct scst_session *scst_register_session(struct scst_tgt *tgt,
					   const char *initiator_name,
					   void *tgt_priv);
void scst_unregister_session(struct scst_session *sess);
void *scst_sess_get_priv(struct scst_session *sess);
const char *scst_sess_get_initiator_name(struct scst_session *sess);
struct scst_tgt *scst_sess_get_tgt(struct scst_session *sess);
unsigned int scst_sess_get_max_cmds(struct scst_session *sess);

int scst_register_dev_driver(const struct scst_dev_type *devt);
void scst_unregister_dev_driver(const struct scst_dev_type *devt);

struct scst_device *scst_register_virtual_device(const struct scst_dev_type *devt,
						 const char *name,
						 void *dh_priv);
void scst_unregister_virtual_device(struct scst_device *dev);
struct scst_device *scst_find_device(const char *name);
void *scst_dev_get_priv(struct scst_device *dev);
const char *scst_dev_get_name(struct scst_device *dev);

/* For the show/store functions of tgt_attrs, sess_attrs and dev_attrs. */
struct scst_tgt *scst_kobj_to_tgt(struct kobject *kobj);
struct scst_session *scst_kobj_to_sess(struct kobject *kobj);
struct scst_device *scst_kobj_to_dev(struct kobject *kobj);
/*
 * The core's "mode_saved" device file (saved mode parameters, kept in a
 * configuration file); a handler whose devices support MODE SELECT with
 * SP=1 lists it in its dev_attrs.
 */
extern struct kobj_attribute scst_dev_mode_saved_attr;
extern struct kobj_attribute scst_dev_lba_map_attr;
struct scst_lu_desc *scst_dev_lu(struct scst_device *dev);
void scst_dev_capacity_changed(struct scst_device *dev);

/* ---- commands: target driver side ---- */

struct scst_cmd *scst_rx_cmd(struct scst_session *sess, const u8 *lun,
			     unsigned int lun_len, const u8 *cdb,
			     unsigned int cdb_len, gfp_t gfp);
size_t scst_cmd_size(void);
void scst_rx_cmd_prealloced(struct scst_cmd *cmd, struct scst_session *sess,
			    const u8 *lun, unsigned int lun_len,
			    const u8 *cdb, unsigned int cdb_len);
void scst_cmd_set_tag(struct scst_cmd *cmd, u64 tag);
void scst_cmd_set_expected(struct scst_cmd *cmd, enum scst_data_dir dir,
			   u32 len);
void scst_cmd_set_queue_type(struct scst_cmd *cmd, enum scst_queue_type qt);
void scst_cmd_set_tgt_sg(struct scst_cmd *cmd, struct scatterlist *sg,
			 unsigned int sg_cnt);
void scst_cmd_set_tgt_priv(struct scst_cmd *cmd, void *priv);
void *scst_cmd_get_tgt_priv(struct scst_cmd *cmd);
void scst_cmd_init_done(struct scst_cmd *cmd, enum scst_exec_context ctx);
void scst_rx_data(struct scst_cmd *cmd, enum scst_rx_status status,
		  enum scst_exec_context ctx);
void scst_tgt_cmd_done(struct scst_cmd *cmd, enum scst_exec_context ctx);

u64 scst_cmd_get_tag(struct scst_cmd *cmd);
const u8 *scst_cmd_get_cdb(struct scst_cmd *cmd);
struct scst_session *scst_cmd_get_session(struct scst_cmd *cmd);
enum scst_data_dir scst_cmd_get_data_direction(struct scst_cmd *cmd);
struct scatterlist *scst_cmd_get_sg(struct scst_cmd *cmd);
unsigned int scst_cmd_get_sg_cnt(struct scst_cmd *cmd);
u32 scst_cmd_get_bufflen(struct scst_cmd *cmd);
u32 scst_cmd_get_resp_data_len(struct scst_cmd *cmd);
int scst_cmd_get_residual(struct scst_cmd *cmd);	/* >0 under, <0 over */
u8 scst_cmd_get_status(struct scst_cmd *cmd);
const u8 *scst_cmd_get_sense(struct scst_cmd *cmd);
unsigned int scst_cmd_get_sense_len(struct scst_cmd *cmd);
bool scst_cmd_aborted(struct scst_cmd *cmd);

/* ---- commands: device handler side ---- */

struct scst_device *scst_cmd_get_dev(struct scst_cmd *cmd);
struct scst_tgt_dev *scst_cmd_get_tgt_dev(struct scst_cmd *cmd);
u64 scst_cmd_get_lba(struct scst_cmd *cmd);
u32 scst_cmd_get_nblocks(struct scst_cmd *cmd);
u32 scst_cmd_get_cdb_flags(struct scst_cmd *cmd);	/* SCST_CDB_* */
void scst_set_cmd_status(struct scst_cmd *cmd, u8 status);
void scst_set_cmd_sense(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq);
struct scst_sense;
void scst_set_cmd_sense_full(struct scst_cmd *cmd, const struct scst_sense *s);
void scst_set_resp_data_len(struct scst_cmd *cmd, u32 len);
void scst_cmd_exec_done(struct scst_cmd *cmd);

/* ---- task management ---- */

struct scst_mgmt_cmd *scst_rx_mgmt_fn(struct scst_session *sess, u8 fn,
				      const u8 *lun, unsigned int lun_len,
				      u64 tag, void *tgt_priv, gfp_t gfp);
u8 scst_mgmt_cmd_get_status(struct scst_mgmt_cmd *mcmd);	/* SCST_TMF_RESP_* */
unsigned int scst_mgmt_cmd_get_nr_found(struct scst_mgmt_cmd *mcmd);
void *scst_mgmt_cmd_get_tgt_priv(struct scst_mgmt_cmd *mcmd);
u8 scst_mgmt_cmd_get_fn(struct scst_mgmt_cmd *mcmd);

/* ---- management line parsing for drivers and handlers ---- */

char *scst_get_next_param(char **params, char **value);

#endif /* SCST_H */
