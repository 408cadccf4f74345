#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Kernel feature probes, run once by the root Kbuild with the kernel's
# source tree as $1. Each probe looks for one API in the kernel headers and
# prints -DSCST_HAVE_<FEATURE> when it is there. kernel/scst_compat.h turns
# these into one set of helpers, so no other file looks at the version.
inc=$1/include

probe() { # probe HEADER FIXED-STRING FEATURE
	grep -qsF -- "$2" "$inc/$1" && printf ' -DSCST_HAVE_%s' "$3"
}

[ -e "$inc/linux/unaligned.h" ] && printf ' -DSCST_HAVE_LINUX_UNALIGNED_H'
probe scsi/scsi_host.h 'scsi_host_alloc(const struct scsi_host_template' CONST_SHT
probe scsi/scsi_host.h 'enum scsi_timeout_action' SCSI_TIMEOUT_ACTION
probe linux/blkdev.h 'bdev_file_open_by_path' BDEV_FILE_OPEN
probe linux/skbuff.h 'struct ubuf_info_ops' UBUF_INFO_OPS
probe linux/net.h 'kernel_sendpage(' KERNEL_SENDPAGE
probe net/genetlink.h 'genl_info_userhdr' GENL_INFO_USERHDR
probe net/genetlink.h 'genl_info_dump(' GENL_INFO_DUMP
probe linux/shrinker.h 'shrinker_alloc(' SHRINKER_ALLOC
probe linux/device/bus.h 'int (*match)(struct device *dev, const struct device_driver' CONST_BUS_MATCH
probe linux/device/bus.h 'const struct bus_type *bus' CONST_BUS_TYPE
probe linux/device/class.h 'class_create(const char *name)' CLASS_CREATE_NO_OWNER
echo
