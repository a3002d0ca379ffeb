using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Verify.Benchmarks.Micro;

/// <summary>
/// `dotnet run -c Release --project src/Benchmarks.Micro -- --filter '*'`: BenchmarkDotNet's
/// switcher over the operations of this project. The benchmarks run in this process (the in-process
/// toolchain), which loads libtorch; where the build found that libtorch needs LD_PRELOAD
/// (docs/dev/native-loading.md), the program starts itself once more with it set.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (RestartWithPreload(args) is { } code) return code;
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }

    /// <summary>The child's exit code when the program restarted itself with the build's LD_PRELOAD, else null.</summary>
    static int? RestartWithPreload(string[] args)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "native", "ld_preload.txt");
        if (!OperatingSystem.IsLinux() || !File.Exists(file)) return null;
        var preload = File.ReadAllText(file).Trim();
        var current = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
        if (preload.Length == 0 || current.Contains(preload.Split(':')[0], StringComparison.Ordinal)) return null;
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["LD_PRELOAD"] = current.Length == 0 ? preload : preload + ":" + current;
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }
}
