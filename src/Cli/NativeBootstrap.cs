using System.Diagnostics;
using System.Reflection;

namespace Verify.Cli;

/// <summary>
/// On systems whose libstdc++ is too old for TorchSharp's native library, the build leaves
/// native/ld_preload.txt beside the program (see Directory.Build.targets). LD_PRELOAD only takes
/// effect at process start, so the program starts itself again once with it set. Everywhere else
/// the file is absent and nothing happens.
/// </summary>
static class NativeBootstrap
{
    const string GuardVariable = "VERIFY_NATIVE_BOOTSTRAPPED";

    /// <summary>Returns the child's exit code when the program was restarted, or null to go on in this process.</summary>
    public static int? RestartWithPreloadIfNeeded(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(GuardVariable) == "1") return null;
        var file = Path.Combine(AppContext.BaseDirectory, "native", "ld_preload.txt");
        if (!File.Exists(file)) return null;
        var preload = File.ReadAllText(file).Trim();
        var current = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
        if (preload.Length == 0 || current.Contains(preload.Split(':')[0], StringComparison.Ordinal)) return null;

        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the running program's path to restart it.");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["LD_PRELOAD"] = current.Length == 0 ? preload : preload + ":" + current;
        start.Environment[GuardVariable] = "1";
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not restart {host}.");
        child.WaitForExit();
        return child.ExitCode;
    }
}
