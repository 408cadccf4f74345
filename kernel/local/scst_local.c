// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
static int __init l_init(void) { return 0; }
static void __exit l_exit(void) { }
module_init(l_init);
module_exit(l_exit);
MODULE_LICENSE("GPL");
