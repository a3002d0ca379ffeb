using System.Diagnostics;
using System.Runtime.InteropServices;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Runtime;

namespace Verify.Properties.Foundation;

/// <summary>
/// The library that lets MKL choose its kernels by CPU features on processors that are not Intel's
/// (build/native/mkl-dispatch-shim.sh, docs/dev/native-loading.md): the script builds one whose
/// <c>mkl_serv_intel_cpu_true</c> answers 1, builds nothing when told to keep MKL's vendor check
/// (the negative control), and the build puts it in this test host's LD_PRELOAD wherever it made one.
/// </summary>
[TestFixture]
public sealed class MklDispatchTest
{
    [Test]
    public void TheScript_BuildsALibraryThatAnswersIntel_OnAProcessorThatIsNot()
    {
        SkipUnlessNonIntelX64WithACompiler();
        using var dir = new TempDir();
        var (output, rc) = RunScript(dir.Path, keepVendorCheck: false);
        rc.ShouldBe(0);
        var library = output.Trim();
        library.ShouldBe(Path.Combine(dir.Path, TorchRuntime.MklDispatchLibrary));
        File.Exists(library).ShouldBeTrue($"the script printed {library} but wrote no such file");
        Answer(library).ShouldBe(1, "mkl_serv_intel_cpu_true of the built library");
    }

    /// <summary>Negative control: VERIFY_MKL_DISPATCH=vendor keeps MKL's own check, so nothing is built or preloaded.</summary>
    [Test]
    public void TheScript_BuildsNothing_WhenToldToKeepMklsVendorCheck()
    {
        using var dir = new TempDir();
        var (output, rc) = RunScript(dir.Path, keepVendorCheck: true);
        rc.ShouldBe(0);
        output.Trim().ShouldBeEmpty();
        File.Exists(Path.Combine(dir.Path, TorchRuntime.MklDispatchLibrary)).ShouldBeFalse();
    }

    [Test]
    public void TheTestHost_PreloadsTheLibrary_WhereTheBuildMadeOne()
    {
        var built = File.Exists(Path.Combine(AppContext.BaseDirectory, "native", TorchRuntime.MklDispatchLibrary));
        var preload = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
        preload.Contains(TorchRuntime.MklDispatchLibrary, StringComparison.Ordinal).ShouldBe(built, $"LD_PRELOAD is '{preload}'");
        TorchRuntime.MklDispatch.StartsWith("by CPU features", StringComparison.Ordinal).ShouldBe(built, TorchRuntime.MklDispatch);
    }

    static void SkipUnlessNonIntelX64WithACompiler()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            Assert.Ignore("the library is built on Linux x86-64 only");
        var vendor = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal))?.Split(':')[1].Trim();
        if (vendor is null or "GenuineIntel") Assert.Ignore($"processor vendor '{vendor}': MKL takes its own path there, nothing to build");
        if (!new[] { "/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang" }.Any(File.Exists)) Assert.Ignore("no C compiler to build the library with");
    }

    static (string Output, int ExitCode) RunScript(string outDir, bool keepVendorCheck)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "build", "native", "mkl-dispatch-shim.sh"));
        info.ArgumentList.Add(outDir);
        if (keepVendorCheck) info.Environment["VERIFY_MKL_DISPATCH"] = "vendor";
        else info.Environment.Remove("VERIFY_MKL_DISPATCH");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(60_000).ShouldBeTrue("the script did not finish within a minute");
        return (output, process.ExitCode);
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate int IntelCpuTrue();

    static int Answer(string library)
    {
        var handle = NativeLibrary.Load(library);
        try { return Marshal.GetDelegateForFunctionPointer<IntelCpuTrue>(NativeLibrary.GetExport(handle, "mkl_serv_intel_cpu_true"))(); }
        finally { NativeLibrary.Free(handle); }
    }

    static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Verify.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException($"no Verify.sln above {AppContext.BaseDirectory}");
    }

    sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("verify-mkl-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
