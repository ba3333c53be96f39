// libFuzzer's entry for programs that keep their own main (LLVM 12+). Only declared here:
// fuzz builds link libclang_rt.fuzzer_no_main (scripts/fuzz.sh); normal builds never call it.
#ifndef BATON_CLIBFUZZER_SHIM_H
#define BATON_CLIBFUZZER_SHIM_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
