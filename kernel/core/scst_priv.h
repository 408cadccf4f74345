/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the SCSI target core, shared by kernel/core/scst_*.c only.
 *
 * Object model:
 *   scst_tgt_driver   a registered struct scst_tgt_template
 *     scst_tgt        a target (port) of that driver
 *       scst_acg      access control group: the default one (no initiator
 *                     names) plus named ini_groups; each holds LUNs
 *         scst_acg_dev  LUN -> device mapping with its read-only flag
 *       scst_session  an I_T nexus, bound to the acg its initiator matches
 *         scst_tgt_dev  the session's view of one LUN (UAs, in-flight count)
 *   scst_dev_driver   a registered struct scst_dev_type
 *     scst_device     a logical unit backed by a handler
 *
 * Locking: scst_mutex serialises every configuration change (sysfs, netlink)
 * and protects all the lists above. The data path never takes it: a
 * session's LUN table (sess->tgt_devs) is an xarray read under RCU, and a
 * command pins its tgt_dev with a reference.
 */
#ifndef SCST_PRIV_H
#define SCST_PRIV_H

#include <linux/module.h>
#include <linux/slab.h>
#include "scst.h"
#include "scst_cdb.h"
#include "scst_spc.h"
#include "scst_pr.h"
#include "scst_tpg.h"

#define SCST_VERSION		"0.1.0"	/* sysfs version, netlink SCST_A_VERSION */
#define SCST_SYSFS_ROOT		"scst_tgt"
#define SCST_DEFAULT_THREADS	4
#define SCST_MAX_UA		16
#define SCST_MAX_LUN		16383	/* flat space addressing */

/* ASC << 8 | ASCQ of the conditions the core raises itself. */
#define SCST_AQ_ASC(aq)		((u8)((aq) >> 8))
#define SCST_AQ_ASCQ(aq)	((u8)(aq))
#define SCST_AQ_INVALID_OPCODE		0x2000
#define SCST_AQ_INVALID_FIELD_IN_CDB	0x2400
#define SCST_AQ_LUN_NOT_SUPPORTED	0x2500
#define SCST_AQ_WRITE_PROTECTED		0x2700
#define SCST_AQ_POWER_ON_RESET		0x2900
#define SCST_AQ_TARGET_RESET		0x2902
#define SCST_AQ_LUN_RESET		0x2903
#define SCST_AQ_I_T_NEXUS_LOSS		0x2907
#define SCST_AQ_MODE_PARAMS_CHANGED	0x2a01
#define SCST_AQ_ALUA_STATE_CHANGED	0x2a06
#define SCST_AQ_CAPACITY_CHANGED	0x2a09
#define SCST_AQ_CMDS_CLEARED_BY_OTHER	0x2f00
#define SCST_AQ_INQUIRY_DATA_CHANGED	0x3f03
#define SCST_AQ_REPORTED_LUNS_CHANGED	0x3f0e
#define SCST_AQ_INTERNAL_TARGET_FAILURE	0x4400
#define SCST_AQ_DATA_PHASE_ERROR	0x4b00

extern struct mutex scst_mutex;
extern struct list_head scst_tgt_driver_list;
extern struct list_head scst_dev_driver_list;
extern struct list_head scst_device_list;
extern struct workqueue_struct *scst_wq;

struct scst_tgt_driver {
	const struct scst_tgt_template *tgtt;
	struct list_head list;			/* scst_tgt_driver_list */
	struct list_head tgts;
	struct kobject kobj;			/* targets/<driver> */
	struct completion kobj_released;
	struct list_head mv_values;		/* scst_attr.c */
};

struct scst_acg {
	struct scst_tgt *tgt;
	char *name;				/* NULL for the default group */
	struct list_head list;			/* tgt->acgs */
	struct list_head acg_devs;		/* sorted by LUN */
	struct list_head inits;			/* struct scst_acn */
	struct kobject kobj;			/* ini_groups/<name> */
	struct kobject *luns_kobj;
	struct kobject *inits_kobj;
	struct completion kobj_released;
};

/* An initiator name pattern of a named group ('*' and '?' wildcards). */
struct scst_acn {
	struct list_head list;
	char *name;
};

struct scst_acg_dev {
	struct scst_acg *acg;
	struct scst_device *dev;
	u64 lun;
	bool read_only;
	struct list_head acg_list;		/* acg->acg_devs */
	struct list_head dev_list;		/* dev->acg_devs */
	struct kobject kobj;			/* luns/<lun> */
	struct completion kobj_released;
	unsigned int export_idx;		/* devices/<dev>/exported/export<N> */
};

struct scst_tgt {
	struct scst_tgt_driver *drv;
	char *name;
	void *tgt_priv;
	u16 rel_tgt_id;
	struct list_head list;			/* drv->tgts */
	struct list_head sessions;
	struct list_head acgs;			/* named ini_groups */
	struct scst_acg *default_acg;
	struct kobject kobj;			/* targets/<driver>/<tgt> */
	struct kobject *sessions_kobj;
	struct kobject *ini_groups_kobj;
	struct completion kobj_released;
	struct list_head mv_values;		/* scst_attr.c */
};

struct scst_session {
	struct scst_tgt *tgt;
	struct scst_acg *acg;
	char *initiator_name;
	void *tgt_priv;
	struct list_head list;			/* tgt->sessions */
	struct xarray tgt_devs;			/* LUN -> scst_tgt_dev, RCU */
	struct list_head tgt_dev_list;		/* all tgt_devs, scst_mutex */
	/* commands it may have in the core, 0: no limit (see scst_main.c) */
	unsigned int max_cmds;

	spinlock_t cmd_lock;			/* protects cmd_list */
	struct list_head cmd_list;		/* every live command */
	refcount_t refcnt;			/* commands + 1 for registration */
	struct completion *shutdown_done;
	spinlock_t xcopy_lock;			/* protects xcopy_ids */
	struct list_head xcopy_ids;		/* EXTENDED COPY LIST IDs */
	struct kobject kobj;			/* sessions/<initiator> */
	struct completion kobj_released;
	bool sysfs_added;
};

struct scst_ua {
	struct list_head list;
	struct scst_sense sense;
};

struct scst_tgt_dev {
	struct scst_session *sess;
	struct scst_device *dev;
	struct scst_acg_dev *acg_dev;
	u64 lun;
	bool read_only;
	struct list_head sess_list;		/* sess->tgt_dev_list */
	struct list_head dev_list;		/* dev->tgt_devs */
	spinlock_t ua_lock;
	struct list_head ua_list;
	unsigned int ua_count;
	refcount_t refcnt;			/* commands + 1 for the table */
	atomic_t cmd_count;			/* commands counted against */
						/* dev->max_tgt_dev_cmds */
	struct completion *released;
	struct rcu_head rcu;
	void *dh_priv;
};

struct scst_dev_driver {
	const struct scst_dev_type *devt;
	struct list_head list;			/* scst_dev_driver_list */
	struct list_head devs;
	struct kobject kobj;			/* handlers/<name> */
	struct completion kobj_released;
};

struct scst_device {
	struct scst_dev_driver *drv;
	const struct scst_dev_type *devt;
	char *name;
	void *dh_priv;
	struct list_head list;			/* scst_device_list */
	struct list_head drv_list;		/* drv->devs */
	struct list_head acg_devs;		/* LUNs that export this device */
	struct list_head tgt_devs;		/* every session's view */
	struct workqueue_struct *wq;		/* the device's thread pool */

	/* SPC/SBC emulation state, see scst_spc.h. */
	struct scst_lu_desc lu;
	struct scst_mode_params mode_cur;
	struct scst_mode_params mode_saved;
	spinlock_t mode_lock;

	/* Reservations, see scst_pres.c. */
	struct scst_pr_state *pr;		/* under pr_lock */
	spinlock_t pr_lock;
	struct mutex pr_mutex;			/* serialises PR OUT and saves */
	bool pr_active;				/* scst_pr_active(), unlocked */
	bool pr_saved;				/* an APTPL file exists */
	u64 pr_seq;				/* last APTPL save number */

	struct scst_dg __rcu *dg;		/* ALUA device group, scst_alua.c */
	struct scst_lba_map __rcu *lba_map;	/* user data segments, ditto */

	/*
	 * Commands one I_T nexus may have on the device between their
	 * arrival and their response; more get TASK SET FULL. 0: no limit.
	 */
	unsigned int max_tgt_dev_cmds;

	struct kobject kobj;			/* devices/<name> */
	struct completion kobj_released;
};

enum scst_cmd_state {
	SCST_CMD_STATE_INIT,
	SCST_CMD_STATE_PREPARE,		/* buffer allocation */
	SCST_CMD_STATE_RDY_TO_XFER,
	SCST_CMD_STATE_DATA_WAIT,	/* waiting for scst_rx_data() */
	SCST_CMD_STATE_EXEC,
	SCST_CMD_STATE_EXEC_WAIT,	/* waiting for scst_cmd_exec_done() */
	SCST_CMD_STATE_DEV_DONE,
	SCST_CMD_STATE_XMIT,
	SCST_CMD_STATE_XMIT_WAIT,	/* waiting for scst_tgt_cmd_done() */
	SCST_CMD_STATE_FINISHED,
};

/*
 * A command. scst_rx_cmd() allocates it, scst_rx_cmd_prealloced() takes
 * the driver's memory; either way every field up to cdb[] starts zeroed,
 * and the arrays at the end are written before they are read.
 */
struct scst_cmd {
	struct scst_session *sess;
	struct scst_tgt_dev *tgt_dev;	/* NULL: no such LUN for this nexus */
	struct scst_device *dev;
	enum scst_cmd_state state;
	struct work_struct work;
	struct list_head sess_list;	/* sess->cmd_list */

	unsigned int cdb_len;
	u64 lun;
	u64 tag;
	enum scst_queue_type queue_type;
	struct scst_cdb_info ci;

	enum scst_data_dir expected_dir;
	u32 expected_len;
	bool expected_set;

	enum scst_data_dir dir;
	u32 bufflen;			/* buffer size for the data phase */
	u32 xfer_cap;			/* data-in bytes the initiator takes */
	bool overflow;			/* the CDB wants more than expected */
	u32 resp_data_len;		/* data-in bytes to send */
	struct scatterlist *sg;
	unsigned int sg_cnt;
	bool tgt_sg;			/* buffer owned by the target driver */
	struct scst_sgv_obj *sgv;	/* SGV cache object holding sg, or NULL */

	u8 status;
	unsigned int sense_len;

	unsigned long flags;		/* SCST_CMDF_* bits */
	atomic_t exec_sync;		/* SCST_EXEC_SYNC_*, see scst_exec() */
	struct scst_mgmt_cmd *mcmd;	/* TMF waiting for this command */
	void *tgt_priv;
	bool prealloced;		/* the target driver's memory */
	/*
	 * The core's own command (the copy manager's READs and WRITEs): no
	 * driver callbacks, no Unit Attention; called instead of
	 * tgtt->on_free_cmd() when it is done.
	 */
	void (*internal_done)(struct scst_cmd *cmd);

	/* Not cleared: cdb_len and sense_len say how much is valid. */
	u8 cdb[SCST_MAX_CDB_SIZE];
	u8 sense[SCST_SENSE_BUFFERSIZE];
};

/*
 * Who continues after exec(): the handler may complete the command inside
 * exec() or later from any CPU. Whichever of exec()'s return and
 * scst_cmd_exec_done() comes second moves the command on.
 */
#define SCST_EXEC_SYNC_RUNNING	0	/* exec() has not returned, not done */
#define SCST_EXEC_SYNC_RETURNED	1	/* exec() returned first */
#define SCST_EXEC_SYNC_DONE	2	/* done before exec() returned */

#define SCST_CMDF_ABORTED	0	/* a TMF aborted it */
#define SCST_CMDF_DONE		1	/* status set, skip execution */
#define SCST_CMDF_COUNTED	2	/* in tgt_dev->cmd_count */

struct scst_mgmt_cmd {
	struct scst_session *sess;
	struct scst_device *dev;	/* LUN-scoped functions */
	u8 fn;
	u64 lun;
	u64 tag;
	u8 status;
	unsigned int nr_found;		/* commands in the function's scope */
	bool bad_lun;
	bool wait_foreign;		/* found commands another TMF aborted */
	struct scst_cmd *except;	/* PREEMPT AND ABORT: not this one */
	struct completion *internal_done; /* the core's own: no driver call */
	void *tgt_priv;
	atomic_t pending;		/* aborted commands still running + 1 */
	struct work_struct exec_work;	/* runs the function */
	struct work_struct done_work;	/* reports it to the driver */
};

/* scst_main.c: object lifetime and configuration (scst_mutex held) */
struct scst_tgt_driver *scst_find_tgt_driver(const char *name);
struct scst_dev_driver *scst_find_dev_driver(const char *name);
struct scst_device *__scst_find_device(const char *name);
void scst_dev_max_cmds_changed(struct scst_device *dev);
struct scst_tgt *__scst_find_target(struct scst_tgt_driver *drv,
				    const char *name);
struct scst_acg *scst_find_acg(struct scst_tgt *tgt, const char *name);
struct scst_acg *scst_acg_create(struct scst_tgt *tgt, const char *name);
int scst_acg_destroy(struct scst_acg *acg, bool force);
int scst_acg_add_lun(struct scst_acg *acg, struct scst_device *dev, u64 lun,
		     bool read_only);
int scst_acg_del_lun(struct scst_acg *acg, u64 lun);
int scst_acg_replace_lun(struct scst_acg *acg, struct scst_device *dev,
			 u64 lun, bool read_only);
void scst_acg_clear_luns(struct scst_acg *acg);
int scst_acg_add_init(struct scst_acg *acg, const char *name);
int scst_acg_del_init(struct scst_acg *acg, const char *name);
int scst_acg_move_init(struct scst_acg *from, struct scst_acg *to,
		       const char *name);
bool scst_wildcard_match(const char *pattern, const char *name);
int scst_tgt_set_rel_tgt_id(struct scst_tgt *tgt, u16 id,
			    struct scst_tgt **user);
/* scst_main.c: called without scst_mutex */
int scst_tgt_enable(struct scst_tgt *tgt, bool enable);
bool scst_tgtt_mgmt_verb_reserved(const char *line);
int scst_tgtt_mgmt_cmd(const struct scst_tgt_template *tgtt, const char *line);

/* scst_targ.c: the command state machine */
int scst_active_cmd_count(void);
void scst_process_cmd(struct scst_cmd *cmd, enum scst_exec_context ctx);
void scst_cmd_work_fn(struct work_struct *work);
void scst_tgt_dev_put(struct scst_tgt_dev *tgt_dev);
void scst_sess_put(struct scst_session *sess);
void scst_ua_add(struct scst_tgt_dev *tgt_dev, u16 aq);
void scst_ua_add_all_dev(struct scst_device *dev, u16 aq,
			 struct scst_tgt_dev *except);
void scst_ua_add_all_sess(struct scst_session *sess, u16 aq);
void scst_ua_clear(struct scst_tgt_dev *tgt_dev);

int scst_targ_init(void);
void scst_targ_exit(void);

/* scst_pres.c: reservations */
int scst_pr_dev_init(struct scst_device *dev);
void scst_pr_dev_exit(struct scst_device *dev);
void scst_pr_sess_gone(struct scst_session *sess);
void scst_pr_dev_reset(struct scst_device *dev);
bool scst_pr_cmd_conflicts(struct scst_cmd *cmd);
bool scst_pr_cmd_is_mine(struct scst_cmd *cmd);
void scst_pr_exec(struct scst_cmd *cmd);

/* scst_copy.c: EXTENDED COPY and RECEIVE COPY RESULTS */
bool scst_copy_is_mine(struct scst_cmd *cmd);
void scst_copy_exec(struct scst_cmd *cmd);
void scst_copy_sess_init(struct scst_session *sess);
void scst_copy_sess_gone(struct scst_session *sess);

/* scst_alua.c: device and target port groups (scst_mutex held) */
struct scst_dg;
struct scst_lba_map;
struct scst_tg;
struct scst_tg_tgt;
/* One object of the ALUA configuration, for netlink dumps. */
struct scst_alua_obj {
	const char *dg;
	const char *device;		/* a device of @dg */
	const char *tg;			/* a target group of @dg */
	u16 group_id;
	u8 state;
	bool preferred;
	const char *target;		/* a target of @tg */
	u16 rel_tgt_id;
};
int scst_alua_sysfs_init(struct kobject *root);
void scst_alua_sysfs_exit(void);
int scst_dg_add(const char *name);
int scst_dg_del(const char *name);
int scst_dg_dev_add(struct scst_dg *dg, const char *name);
int scst_dg_dev_del(struct scst_dg *dg, const char *name);
int scst_tg_add(struct scst_dg *dg, const char *name);
int scst_tg_del(struct scst_dg *dg, const char *name);
int scst_tg_set_state(struct scst_tg *tg, u8 state);
int scst_tg_set_group_id(struct scst_tg *tg, u16 id);
int scst_tg_set_preferred(struct scst_tg *tg, bool preferred);
int scst_tg_tgt_add(struct scst_tg *tg, const char *name);
int scst_tg_tgt_del(struct scst_tg *tg, const char *name);
int scst_tg_tgt_set_rel_tgt_id(struct scst_tg_tgt *m, u16 id);
struct scst_dg *scst_alua_find_dg(const char *name);
struct scst_tg *scst_alua_find_tg(const char *dg_name, const char *tg_name);
struct scst_tg_tgt *scst_alua_find_tg_tgt(const char *dg_name,
					  const char *tg_name,
					  const char *tgt_name);
int scst_alua_for_each(int (*visit)(void *arg, const struct scst_alua_obj *o),
		       void *arg);
void scst_alua_dev_gone(struct scst_device *dev);
void scst_alua_tgt_changed(struct scst_tgt *tgt);
/* scst_alua.c: the data path, any context unless noted */
int scst_alua_cmd_check(struct scst_cmd *cmd, struct scst_sense *sense);
void scst_alua_lu(struct scst_cmd *cmd, struct scst_lu_desc *lu);
bool scst_alua_cmd_is_mine(struct scst_cmd *cmd);
void scst_alua_exec(struct scst_cmd *cmd);	/* process context */

/* scst_mem.c: data buffers, recycled by the SGV cache */
struct scst_sgv_obj;
extern const struct attribute_group scst_sgv_attr_group;	/* sgv/ */
int scst_alloc_buffer(struct scst_cmd *cmd, gfp_t gfp);
void scst_free_buffer(struct scst_cmd *cmd);
int scst_mem_init(void);
void scst_mem_exit(void);
int scst_setting_get(unsigned int i, const char **name, unsigned int *val);
int scst_setting_set(const char *name, const char *text);

/* scst_tm.c: task management */
void scst_mcmd_put(struct scst_mgmt_cmd *mcmd);
void scst_tm_abort_pr(struct scst_cmd *cmd,
		      bool (*match)(void *arg, struct scst_session *sess),
		      void *arg);
int scst_tm_init(void);
void scst_tm_exit(void);

/* scst_sysfs.c: the /sys/kernel/scst_tgt tree */
int scst_sysfs_init(void);
void scst_sysfs_exit(void);
int scst_sysfs_tgt_driver_add(struct scst_tgt_driver *drv);
void scst_sysfs_tgt_driver_del(struct scst_tgt_driver *drv);
int scst_sysfs_tgt_add(struct scst_tgt *tgt);
void scst_sysfs_tgt_del(struct scst_tgt *tgt);
int scst_sysfs_acg_add(struct scst_acg *acg);
void scst_sysfs_acg_del(struct scst_acg *acg);
int scst_sysfs_acg_dev_add(struct scst_acg_dev *acg_dev);
void scst_sysfs_acg_dev_del(struct scst_acg_dev *acg_dev);
int scst_sysfs_acn_add(struct scst_acg *acg, struct scst_acn *acn);
void scst_sysfs_acn_del(struct scst_acg *acg, struct scst_acn *acn);
void scst_sysfs_sess_acg_changed(struct scst_session *sess);
int scst_sysfs_sess_add(struct scst_session *sess);
void scst_sysfs_sess_del(struct scst_session *sess);
int scst_sysfs_dev_driver_add(struct scst_dev_driver *drv);
void scst_sysfs_dev_driver_del(struct scst_dev_driver *drv);
int scst_sysfs_dev_add(struct scst_device *dev);
void scst_sysfs_dev_del(struct scst_device *dev);
extern const struct attribute *const scst_dev_nl_attrs[];
bool scst_dev_name_ok(const char *name);
bool scst_mgmt_name_ok(const char *name);
int scst_sysfs_lock(void);
char *scst_next_word(char **p);
bool scst_words_left(const char *p);
__printf(3, 4) void scst_sysfs_err(struct kobject *kobj, const char *file,
				   const char *fmt, ...);

/* scst_netlink.c: the "scst" generic netlink family and its events */
struct scst_nl_names {		/* what an event names; NULL: nothing */
	const char *handler, *device, *driver, *target, *group, *dest_group;
	const char *initiator;
	u32 lun;
	bool has_lun;
};

/* scst_attr.c: multi-valued attributes of drivers and targets */
int scst_mv_change(const struct scst_tgt_template *tgtt, const char *target,
		   bool add, const char *name, const char *value,
		   const char **why);
void scst_mv_free(struct list_head *values);
struct sk_buff;
int scst_mv_nl_put(struct sk_buff *skb, struct list_head *values,
		   bool privileged);
bool scst_mv_mgmt_verb(const char *line);
int scst_mv_mgmt(const struct scst_tgt_template *tgtt, char *line);

int scst_nl_init(void);
void scst_nl_exit(void);
void scst_nl_config_changed(u8 cmd, const struct scst_nl_names *names);
void scst_nl_config_changed_gfp(u8 cmd, const struct scst_nl_names *names,
				gfp_t gfp);
void scst_nl_dev_event(u8 event, struct scst_device *dev);
void scst_nl_sess_event(u8 event, struct scst_session *sess);

#endif /* SCST_PRIV_H */
