using System.Runtime.InteropServices;
using TorchSharp;

namespace Verify.Model.Runtime;

/// <summary>
/// The one place that touches libtorch's process-wide state: it checks that the native library
/// loads (turning the cryptic loader failure into a message that says what to install), sets the
/// intra-op thread count, and resolves the device a run asks for.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The libstdc++ symbol version TorchSharp 0.107's native library requires.</summary>
    public const string RequiredLibStdCxxVersion = "GLIBCXX_3.4.32";

    /// <summary>Environment variable the tests read to choose a device (cpu or cuda).</summary>
    public const string DeviceVariable = "VERIFY_DEVICE";

    static readonly object Gate = new();
    static bool initialized;

    /// <summary>
    /// Loads libtorch once and sets it to one intra-op thread: at the paper's sizes (matrices of
    /// tens to hundreds) threads cost more than they give (measured: about 4x faster on 2 cores).
    /// Throws <see cref="NativeLibraryUnavailableException"/> with an actionable message when the
    /// native library cannot load.
    /// </summary>
    public static void EnsureInitialized()
    {
        if (initialized) return;
        lock (Gate)
        {
            if (initialized) return;
            // Fail before TorchSharp's own loader runs: on failure it prints pages of probing
            // output and copies libtorch (hundreds of MB) next to the program.
            if (MissingLibStdCxxVersion() is { } missing)
                throw new NativeLibraryUnavailableException(missing, null);
            try
            {
                torch.set_num_threads(1);
                using var probe = torch.ones(1);
            }
            catch (Exception e) when (e is not NativeLibraryUnavailableException)
            {
                throw new NativeLibraryUnavailableException(Diagnose(), e);
            }
            initialized = true;
        }
    }

    /// <summary>Runs <paramref name="body"/> with libtorch set to <paramref name="threads"/> intra-op threads, then restores the count.</summary>
    public static T WithThreads<T>(int threads, Func<T> body)
    {
        EnsureInitialized();
        var before = torch.get_num_threads();
        torch.set_num_threads(threads);
        try { return body(); }
        finally { torch.set_num_threads(before); }
    }

    /// <summary>
    /// Resolves a device name (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>); null or empty reads
    /// <see cref="DeviceVariable"/>, then falls back to cpu. Asking for CUDA where there is none is
    /// an error that says so.
    /// </summary>
    public static torch.Device ResolveDevice(string? name = null)
    {
        EnsureInitialized();
        name = string.IsNullOrWhiteSpace(name) ? Environment.GetEnvironmentVariable(DeviceVariable) : name;
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase))
            return torch.CPU;
        var trimmed = name.Trim().ToLowerInvariant();
        if (!trimmed.StartsWith("cuda", StringComparison.Ordinal))
            throw new ArgumentException($"Unknown device '{name}': expected 'cpu', 'cuda' or 'cuda:N'.", nameof(name));
        if (!CudaAvailable)
            throw new ArgumentException(
                $"Device '{name}' asked for, but no CUDA device is available to TorchSharp. This build uses the " +
                "'TorchSharp-cpu' libtorch; restore with -p:TorchBackend=cuda on a machine with an NVIDIA GPU (see README, 'GPU runs').",
                nameof(name));
        return torch.device(trimmed);
    }

    static torch.Device? defaultDevice;

    /// <summary>
    /// The device builders use when none is passed: <see cref="DeviceVariable"/> (cpu when unset),
    /// unless the `verify` program chose one with --device (<see cref="UseDevice"/>).
    /// </summary>
    public static torch.Device DefaultDevice => defaultDevice ??= ResolveDevice(null);

    /// <summary>Sets <see cref="DefaultDevice"/> for this process (the command line's --device).</summary>
    public static torch.Device UseDevice(string? name) => defaultDevice = ResolveDevice(name);

    /// <summary>File name of the preloaded library that lets MKL choose its kernels by CPU features on processors that are not Intel's (build/native/mkl-dispatch-shim.sh).</summary>
    public const string MklDispatchLibrary = "libverify-mkl-dispatch.so";

    /// <summary>
    /// How the MKL inside libtorch chooses its CPU kernels in this process: by the CPU's features when
    /// <see cref="MklDispatchLibrary"/> is preloaded, else by MKL's own vendor check (a generic path
    /// on processors that are not Intel's). Products differ between the two in round-off only.
    /// </summary>
    public static string MklDispatch =>
        (Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "").Contains(MklDispatchLibrary, StringComparison.Ordinal)
            ? "by CPU features (" + MklDispatchLibrary + " preloaded)"
            : "MKL's own vendor check";

    /// <summary>
    /// How the stacked training kernels multiply in this process: directly through MKL's batched GEMM
    /// inside libtorch, written in place (the same products as libtorch's bmm, without its temporaries
    /// and copies), or through libtorch's operators, with the reason (no MKL in this libtorch, or
    /// <c>VERIFY_DIRECT_BLAS=off</c>).
    /// </summary>
    public static string BatchedProducts => StepOps.SwitchedOff
        ? $"libtorch's bmm (turned off by {StepOps.SwitchVariable}=off); gate, activation and residuals by libtorch's operators"
        : (BatchedGemm.Available
        ? "direct: MKL's cblas_?gemm_batch inside libtorch, written in place"
            + (SmallGemm.Available ? "; float64 products with k <= 128 by the suite's AVX-512 kernel" : "; every product by MKL (the suite's kernel: " + SmallGemm.Unavailable + ")")
        : "libtorch's bmm (" + BatchedGemm.Unavailable + ")")
        + (StepOps.DirectOnCpu ? "; gate, activation and residuals in passes over host memory" : "; gate, activation and residuals by libtorch's operators");

    /// <summary>True when libtorch sees at least one CUDA device.</summary>
    public static bool CudaAvailable
    {
        get
        {
            EnsureInitialized();
            return torch.cuda.is_available();
        }
    }

    /// <summary>Why the native library failed to load, in words a user can act on.</summary>
    internal static string Diagnose()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            return "TorchSharp's native library (libtorch) failed to load. Restore the solution again (dotnet restore) so the libtorch-cpu package is present.";
        var libstdcxx = FindSystemLibStdCxx();
        if (libstdcxx is not null && !FileContains(libstdcxx, RequiredLibStdCxxVersion))
        {
            var preload = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
            return preload.Contains("libstdc++", StringComparison.Ordinal)
                ? $"TorchSharp's native library needs {RequiredLibStdCxxVersion}, which the system libstdc++ ({libstdcxx}) lacks, and the compatibility shim in LD_PRELOAD ('{preload}') did not fix it. Rebuild (dotnet build) to regenerate it, or install libstdc++ from GCC 13 or newer."
                : $"TorchSharp's native library needs {RequiredLibStdCxxVersion}, which the system libstdc++ ({libstdcxx}) lacks. " +
                  "Run through `dotnet test` or the `verify` program, which set up a compatibility shim automatically when a C compiler is installed " +
                  "(Debian/Ubuntu: apt-get install gcc), or install libstdc++ from GCC 13 or newer.";
        }
        return "TorchSharp's native library (libtorch) failed to load. Restore the solution again (dotnet restore) so the libtorch-cpu package is present; set LD_DEBUG=libs to see which file the loader could not open.";
    }

    /// <summary>
    /// On Linux: a message when the libstdc++ this process uses (already mapped, or else the
    /// system's) lacks <see cref="RequiredLibStdCxxVersion"/>; null when it has it or elsewhere.
    /// </summary>
    static string? MissingLibStdCxxVersion()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return null;
        var mapped = MappedLibStdCxx();
        if (mapped.Length > 0)
            return mapped.Any(p => FileContains(p, RequiredLibStdCxxVersion)) ? null : Diagnose();
        var system = FindSystemLibStdCxx();
        return system is null || FileContains(system, RequiredLibStdCxxVersion) ? null : Diagnose();
    }

    static string[] MappedLibStdCxx()
    {
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..] : "")
                .Where(path => Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal) && File.Exists(path))
                .Distinct().ToArray();
        }
        catch (IOException) { return []; }
    }

    static string? FindSystemLibStdCxx()
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    static bool FileContains(string path, string text)
    {
        var bytes = File.ReadAllBytes(path);
        var needle = System.Text.Encoding.ASCII.GetBytes(text);
        return bytes.AsSpan().IndexOf(needle) >= 0;
    }
}

/// <summary>libtorch could not be loaded; the message says why and what to install.</summary>
public sealed class NativeLibraryUnavailableException(string message, Exception? inner) : Exception(message, inner);
