// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test module for the VM test runner (tests/vm/run).
 *
 * Loaded with warn=1 it triggers one kernel warning at init, so that the
 * scenario 00-selftest-warn can prove that the runner's console check
 * catches kernel warnings. Without the parameter it does nothing.
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "Trigger a WARN_ON_ONCE() when the module is loaded");

static int __init scst_test_warn_init(void)
{
	if (warn)
		WARN_ON_ONCE(1);
	return 0;
}

static void __exit scst_test_warn_exit(void)
{
}

module_init(scst_test_warn_init);
module_exit(scst_test_warn_exit);

MODULE_DESCRIPTION("VM test runner self-test: triggers a kernel warning");
MODULE_LICENSE("GPL");
