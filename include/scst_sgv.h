/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SGV buffer cache (kernel/core/scst_mem.c) as device handlers and
 * target drivers see it.
 *
 * The core recycles the data buffers it allocates for commands whose
 * target driver brings no scatterlist of its own. New buffers are zeroed;
 * a recycled one holds whatever the command before it left there, possibly
 * data of another initiator. Every READ path that fills the bytes it
 * returns (scst_set_resp_data_len()) is unaffected. A handler that may
 * return bytes it did not write must clear the buffer when
 * scst_cmd_buf_stale() says so, and may then tell with
 * scst_cmd_buf_zeroed() that it leaves the buffer zero, which spares the
 * next such command the clearing.
 *
 * A target driver that needs a data-out buffer before the core has parsed
 * the command (iSCSI immediate data) takes one from the same cache with
 * scst_sgv_buf_alloc(), hands it to the command with scst_cmd_set_tgt_sg()
 * and gives it back with scst_sgv_buf_free() after on_free_cmd(). It stays
 * the driver's buffer: the core neither frees nor clears it, and the
 * command must not execute before the driver has received every byte.
 */
#ifndef SCST_SGV_H
#define SCST_SGV_H

#include <linux/types.h>
#include <linux/gfp.h>

struct scst_cmd;
struct scatterlist;
struct scst_sgv_obj;

bool scst_cmd_buf_stale(struct scst_cmd *cmd);
void scst_cmd_buf_zeroed(struct scst_cmd *cmd, u32 len);

/* A target driver's buffer from the SGV cache; all zero: none. */
struct scst_sgv_buf {
	struct scatterlist *sg;
	unsigned int nents;
	struct scst_sgv_obj *obj;	/* the core's; NULL for a big buffer */
};

int scst_sgv_buf_alloc(struct scst_sgv_buf *buf, u32 len, gfp_t gfp);
void scst_sgv_buf_free(struct scst_sgv_buf *buf);

#endif /* SCST_SGV_H */
