/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SPC/SBC emulation of the commands of a disk that do not access the
 * medium: INQUIRY, MODE SENSE/SELECT, READ CAPACITY, REPORT LUNS, REPORT
 * SUPPORTED OPERATION CODES/TMFs, ... Portable (kernel and user space),
 * stateless: the caller owns the mode parameters and all buffers.
 */
#ifndef SCST_SPC_H
#define SCST_SPC_H

#include "scst_cdb.h"

/**
 * struct scst_mode_params - the changeable mode page values
 * @wce: caching page: write cache enable
 * @rcd: caching page: read cache disable
 * @d_sense: control page: descriptor format sense data
 * @swp: control page: software write protect
 * @tas: control page: task aborted status
 * @qerr: control page: queue error management (0, 1 or 3)
 * @dexcpt: informational exceptions page: disable exceptions
 * @mrie: informational exceptions page: reporting method (0..6)
 *
 * The core keeps a current and a saved copy per device.
 */
struct scst_mode_params {
	bool wce;
	bool rcd;
	bool d_sense;
	bool swp;
	bool tas;
	u8 qerr;
	bool dexcpt;
	u8 mrie;
};

/**
 * struct scst_lu_desc - what the emulation needs to know of a logical unit
 * @pdt: peripheral device type (SCST_TYPE_DISK)
 * @block_size: logical block size in bytes (512 or 4096)
 * @nblocks: capacity in logical blocks
 * @read_only: the medium is write protected
 * @removable: RMB bit of INQUIRY
 * @rotational: the medium rotates (VPD 0xB1 when @rotation_rate is 0)
 * @thin_provisioned: UNMAP, WRITE SAME with UNMAP, GET LBA STATUS
 * @lbprz: unmapped blocks read back as zeroes
 * @wce_changeable: MODE SELECT may change WCE
 * @wce_default: WCE in the default mode page values
 * @pr_supported: persistent reservations (PERSISTENT RESERVE IN/OUT)
 * @alua_supported: ALUA: TPGS in INQUIRY, REPORT TARGET PORT GROUPS
 * @alua_explicit: explicit ALUA: SET TARGET PORT GROUPS
 * @caw_supported: COMPARE AND WRITE
 * @xcopy_supported: EXTENDED COPY, RECEIVE COPY RESULTS (3PC)
 * @vendor: T10 vendor identification, NUL-terminated
 * @product: product identification, NUL-terminated
 * @revision: product revision level, NUL-terminated
 * @serial: unit serial number (VPD 0x80), NUL-terminated
 * @naa_id: NAA designator (VPD 0x83), e.g. NAA 6 registered extended
 * @naa_id_len: bytes in @naa_id: 0 (none), 8 or 16
 * @t10_dev_id: vendor specific part of the T10 vendor ID designator
 * @rel_tgt_port_id: relative target port identifier, 0: not reported
 * @tpg_id: target port group (reported when @alua_supported)
 * @tgt_port_name: SCSI name string of the target port, may be NULL
 * @transport_vd: version descriptor of the transport (SCST_VD_*), 0: none
 * @max_xfer_blocks: VPD 0xB0 MAXIMUM TRANSFER LENGTH, 0: no limit
 * @opt_xfer_blocks: VPD 0xB0 OPTIMAL TRANSFER LENGTH, 0: not reported
 * @max_caw_blocks: VPD 0xB0 MAXIMUM COMPARE AND WRITE LENGTH when
 *	@caw_supported, 0: 1 block
 * @max_unmap_lba_count: VPD 0xB0, when @thin_provisioned
 * @max_unmap_desc_count: VPD 0xB0, when @thin_provisioned
 * @max_write_same_blocks: VPD 0xB0 MAXIMUM WRITE SAME LENGTH
 * @rotation_rate: VPD 0xB1 MEDIUM ROTATION RATE (1: non-rotating), 0:
 *	derived from @rotational
 *
 * Strings are space-padded on the wire.
 */
struct scst_lu_desc {
	u8 pdt;
	u32 block_size;
	u64 nblocks;
	bool read_only;
	bool removable;
	bool rotational;
	bool thin_provisioned;
	bool lbprz;
	bool wce_changeable;
	bool wce_default;
	bool pr_supported;
	bool alua_supported;
	bool alua_explicit;
	bool caw_supported;
	bool xcopy_supported;
	bool referrals;
	char vendor[9];
	char product[17];
	char revision[5];
	char serial[33];
	u8 naa_id[16];
	u8 naa_id_len;
	char t10_dev_id[33];
	u16 rel_tgt_port_id;
	u16 tpg_id;
	const char *tgt_port_name;
	u16 transport_vd;
	u32 max_xfer_blocks;
	u32 opt_xfer_blocks;
	u8 max_caw_blocks;
	u32 max_unmap_lba_count;
	u32 max_unmap_desc_count;
	u64 max_write_same_blocks;
	u16 rotation_rate;
};

/**
 * enum scst_emul_result - outcome of scst_spc_emulate()
 * @SCST_EMUL_DONE: the command completed with GOOD status
 * @SCST_EMUL_CHECK: CHECK CONDITION with scst_emul.sense
 * @SCST_EMUL_NOT_MINE: data path or not emulated: the handler executes it
 */
enum scst_emul_result {
	SCST_EMUL_DONE = 0,
	SCST_EMUL_CHECK = 1,
	SCST_EMUL_NOT_MINE = 2,
};

/**
 * struct scst_emul - one command for scst_spc_emulate()
 * @lu: the logical unit
 * @mode_cur: current mode parameters; MODE SELECT updates them
 * @mode_saved: saved mode parameters; MODE SELECT with SP=1 updates them,
 *	MODE SENSE of saved values reads them. NULL: saving is not
 *	supported (ILLEGAL REQUEST, SAVING PARAMETERS NOT SUPPORTED)
 * @cdb: the CDB
 * @cdb_len: bytes at @cdb
 * @buf: data-in buffer for the response
 * @buf_len: size of @buf (normally data_len from scst_cdb_decode())
 * @param: data-out parameter list (MODE SELECT)
 * @param_len: bytes at @param
 * @luns: REPORT LUNS: the LUNs this initiator may see, sorted
 * @nluns: entries in @luns
 * @req_sense: REQUEST SENSE: the sense data to report, NULL: NO SENSE
 * @resp_len: out: bytes of response in @buf (the full length is in the
 *	response headers as the standards say)
 * @mode_changed: out: MODE SELECT changed a value
 * @mode_saved_changed: out: MODE SELECT changed a saved value
 * @sense: out: the sense data for SCST_EMUL_CHECK
 */
struct scst_emul {
	const struct scst_lu_desc *lu;
	struct scst_mode_params *mode_cur;
	struct scst_mode_params *mode_saved;
	const u8 *cdb;
	unsigned int cdb_len;
	u8 *buf;
	u32 buf_len;
	const u8 *param;
	u32 param_len;
	const u64 *luns;
	unsigned int nluns;
	const struct scst_sense *req_sense;
	u32 resp_len;
	bool mode_changed;
	bool mode_saved_changed;
	struct scst_sense sense;
};

void scst_mode_params_default(const struct scst_lu_desc *lu,
			      struct scst_mode_params *mp);
bool scst_mode_params_equal(const struct scst_mode_params *a,
			    const struct scst_mode_params *b);
/* Room for scst_mode_params_format(), with its NUL. */
#define SCST_MODE_PARAMS_TEXT_MAX	64
int scst_mode_params_format(const struct scst_mode_params *mp, char *buf,
			    u32 len);
int scst_mode_params_parse(const struct scst_lu_desc *lu, const char *text,
			   u32 len, struct scst_mode_params *mp);
bool scst_op_supported(const struct scst_op_desc *op,
		       const struct scst_lu_desc *lu);
int scst_spc_check_limits(const struct scst_cdb_info *ci,
			  const struct scst_lu_desc *lu,
			  struct scst_sense *sense);
enum scst_emul_result scst_spc_emulate(struct scst_emul *e);

#endif /* SCST_SPC_H */
