using System.Diagnostics;
using System.Reflection;

namespace Verify.Cli;

/// <summary>
/// On systems whose libstdc++ is too old for TorchSharp's native library, the program needs
/// LD_PRELOAD (docs/dev/native-loading.md), which only takes effect at process start, so the program
/// starts itself again once with it set. Built from the repository, the build leaves the value in
/// native/ld_preload.txt beside the program (Directory.Build.targets). Installed as a .NET tool,
/// there was no build on this machine: the program runs the same scripts the build runs
/// (native/*.sh beside it) into a cache folder of the user's. Everywhere else nothing happens.
/// </summary>
static class NativeBootstrap
{
    const string GuardVariable = "VERIFY_NATIVE_BOOTSTRAPPED";

    /// <summary>Returns the child's exit code when the program was restarted, or null to go on in this process.</summary>
    public static int? RestartWithPreloadIfNeeded(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(GuardVariable) == "1") return null;
        var native = Path.Combine(AppContext.BaseDirectory, "native");
        var file = Path.Combine(native, "ld_preload.txt");
        var preload = File.Exists(file) ? File.ReadAllText(file).Trim() : FromScripts(native);
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

    /// <summary>
    /// The LD_PRELOAD value the build's scripts give on this machine, built into $XDG_CACHE_HOME/verify/native
    /// (else ~/.cache/verify/native); empty without the scripts (a build from the repository without a shim) or bash.
    /// A script that cannot build the shim says why on stderr; the program goes on, and TorchRuntime names the
    /// failure again if a command needs libtorch.
    /// </summary>
    static string FromScripts(string native)
    {
        var shim = Path.Combine(native, "libstdcxx-shim.sh");
        if (!File.Exists(shim)) return "";
        var cacheRoot = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var outDir = Path.Combine(cacheRoot, "verify", "native");
        var parts = new[] { Run(shim, outDir), Run(Path.Combine(native, "mkl-dispatch-shim.sh"), outDir) };
        return string.Join(':', parts.Where(p => p.Length > 0));
    }

    static string Run(string script, string outDir)
    {
        if (!File.Exists(script)) return "";
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(outDir);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return "";
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 && stderr.Result.Trim() is { Length: > 0 } message) Console.Error.WriteLine($"verify: {message}");
            return process.ExitCode == 0 ? stdout.Trim() : "";
        }
        catch (System.ComponentModel.Win32Exception) { return ""; }
    }
}
