import Foundation

/// One line at the start of training when the environment holds OpenBLAS back: an
/// `OPENBLAS_CORETYPE` naming an AVX2 core on a CPU with AVX-512. Baton respects the
/// setting (it is explicit, and OpenBLAS reads it before `main`); it only says what it costs.
enum BLASAdvice {
    static func note(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let core = environment["OPENBLAS_CORETYPE"], ["haswell", "zen", "sandybridge"].contains(core.lowercased()),
              cpuFlags().contains("avx512f")
        else { return nil }
        return "note: OPENBLAS_CORETYPE=\(core) keeps OpenBLAS on AVX2 kernels on this AVX-512 CPU; "
            + "with OPENBLAS_CORETYPE=SkylakeX training ran 1.2–1.8× faster on the build machine (docs/benchmarks.md)\n"
    }

    /// The CPU's feature flags (Linux: /proc/cpuinfo), empty where unknown.
    private static func cpuFlags() -> Set<Substring> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return [] }
        return Set(line.split(separator: " "))
    }
}
