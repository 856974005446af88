/*
 * dmksynth: capture of a caller's download buffer, under structured exception handling.
 *
 * A DirectMusic download arrives as a KS property whose value (a SYNTH_BUFFER) names a buffer by
 * address. When the request comes from user mode that address is the caller's: it must be probed
 * and copied under __try/__except, because the caller can unmap or protect it at any moment. Rust
 * cannot express SEH, so these few lines are C (compiled by build.rs on Windows only, with the
 * WDK's headers). Called at PASSIVE_LEVEL from the property handler, in the requestor's context.
 */
#include <ntddk.h>

/* Copies `length` bytes at `source` (in the address space of the request's originator) to the
 * kernel buffer `destination`. `irp` is the property request's IRP, or NULL to take the
 * originator's mode from the current thread (ExGetPreviousMode); unless that mode is KernelMode the
 * source is probed first. Returns STATUS_SUCCESS, STATUS_INVALID_PARAMETER, or the exception code
 * (STATUS_ACCESS_VIOLATION, STATUS_DATATYPE_MISALIGNMENT). */
NTSTATUS dmksynth_capture_buffer(PIRP irp, void *destination, const void *source, SIZE_T length)
{
    NTSTATUS status = STATUS_SUCCESS;
    KPROCESSOR_MODE mode = (irp != NULL) ? irp->RequestorMode : ExGetPreviousMode();

    if (length == 0) {
        return STATUS_SUCCESS;
    }
    if (destination == NULL || source == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    __try {
        if (mode != KernelMode) {
            ProbeForRead((PVOID)source, length, 1);
        }
        RtlCopyMemory(destination, source, length);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

/* Whether the request comes from a 32-bit (WOW64) process, whose SYNTH_BUFFER and SYNTHDOWNLOAD
 * use 32-bit pointers and handles. NULL asks about the current process. */
BOOLEAN dmksynth_is_32bit_requestor(PIRP irp)
{
#if defined(_WIN64)
    return IoIs32bitProcess(irp);
#else
    UNREFERENCED_PARAMETER(irp);
    return FALSE;
#endif
}
