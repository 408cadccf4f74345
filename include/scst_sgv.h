/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SGV buffer cache (kernel/core/scst_mem.c) as device handlers see it.
 *
 * The core recycles the data buffers it allocates for commands whose
 * target driver brings no scatterlist of its own. New buffers are zeroed;
 * a recycled one holds whatever the command before it left there, possibly
 * data of another initiator. Every READ path that fills the bytes it
 * returns (scst_set_resp_data_len()) is unaffected. A handler that may
 * return bytes it did not write must clear the buffer when
 * scst_cmd_buf_stale() says so.
 */
#ifndef SCST_SGV_H
#define SCST_SGV_H

#include <linux/types.h>

struct scst_cmd;

bool scst_cmd_buf_stale(struct scst_cmd *cmd);

#endif /* SCST_SGV_H */
