// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test module for the VM test runner (tests/vm/run).
 *
 * Loaded with warn=1 it triggers one kernel warning at init, so that the
 * scenario 00-selftest-warn can prove that the runner's console check
 * catches kernel warnings. Loaded with lockup_secs=N it spins that long
 * at init without scheduling, which the soft lockup detector reports
 * after 20 s (01-selftest-lockup). Without parameters it does nothing.
 */
#include <linux/bug.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "Trigger a WARN_ON_ONCE() when the module is loaded");

static unsigned int lockup_secs;
module_param(lockup_secs, uint, 0444);
MODULE_PARM_DESC(lockup_secs,
		 "Spin this many seconds at load with preemption disabled");

static int __init scst_test_warn_init(void)
{
	u64 end = ktime_get_ns() + (u64)lockup_secs * NSEC_PER_SEC;

	if (warn)
		WARN_ON_ONCE(1);
	preempt_disable();
	while (ktime_get_ns() < end)
		cpu_relax();
	preempt_enable();
	return 0;
}

static void __exit scst_test_warn_exit(void)
{
}

module_init(scst_test_warn_init);
module_exit(scst_test_warn_exit);

MODULE_DESCRIPTION("VM test runner self-test: triggers a kernel warning or a soft lockup");
MODULE_LICENSE("GPL");
