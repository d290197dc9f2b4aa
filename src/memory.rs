//! Handing freed memory back to the system in the processes that hold one big text for a
//! while (the language server, the pre-commit hook). glibc's allocator keeps freed memory
//! for reuse, and after a big block is freed it raises its own mmap and trim thresholds
//! (up to 32 and 64 MB), so the next big blocks come from its heaps and stay there once
//! freed: a closed 10 MB document left 6.5 MB in a thread's arena after `malloc_trim`,
//! which does not trim the top of a thread's arena (issue 13). Other allocators return
//! memory on their own; these are no-ops there.

/// Serve blocks of 1 MiB and more with their own mappings (returned when freed, grown
/// in place) and trim a heap's free top above 1 MiB: fixed values, which also stop glibc
/// from raising them.
pub fn return_big_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const M_TRIM_THRESHOLD: std::ffi::c_int = -1;
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: `mallopt` only changes allocator parameters; it takes no pointers.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 1 << 20);
            mallopt(M_TRIM_THRESHOLD, 1 << 20);
        }
    }
}

/// Hand free heap pages back to the system now (after a big document closed).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: `malloc_trim` only releases free heap memory; it takes no pointers and
        // is thread-safe in glibc.
        unsafe {
            malloc_trim(0);
        }
    }
}
