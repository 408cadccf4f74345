// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include "scst_compat.h"
static int __init scst_init(void) { return 0; }
static void __exit scst_exit(void) { }
module_init(scst_init);
module_exit(scst_exit);
MODULE_LICENSE("GPL");
