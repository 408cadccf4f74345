// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI target core: data buffers of commands whose target driver does not
 * bring its own scatterlist.
 *
 * Buffers come from the page allocator (never slab), so transports can
 * send them with zero copy.
 */
#include <linux/module.h>
#include <linux/scatterlist.h>
#include "scst_priv.h"

int scst_alloc_buffer(struct scst_cmd *cmd, gfp_t gfp)
{
	unsigned int nents;

	cmd->sg = sgl_alloc(cmd->bufflen, gfp | __GFP_NOWARN, &nents);
	if (!cmd->sg)
		return -ENOMEM;
	cmd->sg_cnt = nents;
	return 0;
}

void scst_free_buffer(struct scst_cmd *cmd)
{
	if (cmd->tgt_sg || !cmd->sg)
		return;
	sgl_free(cmd->sg);
	cmd->sg = NULL;
}

int scst_mem_init(void)
{
	return 0;
}

void scst_mem_exit(void)
{
}
