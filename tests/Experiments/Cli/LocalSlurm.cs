using System.Diagnostics;
using NUnit.Framework;
using Shouldly;

namespace Verify.Experiments.Cli;

/// <summary>
/// The Slurm of the Cluster tier: the one on this host, or a single-node one that build/slurm/local-cluster.sh starts
/// (and <see cref="Stop"/> stops again); where neither answers, the fixture is ignored with the reason.
/// </summary>
sealed class LocalSlurm
{
    bool startedHere;

    static string Script => Path.Combine(RepositoryRoot(), "build", "slurm", "local-cluster.sh");

    /// <summary>Makes sure a Slurm answers, starting the local one where none does; ignores the fixture where it cannot.</summary>
    public void Answer()
    {
        if (Sh("sinfo", "-h", "-o", "%t") is { Code: 0 } info && info.Out.Trim() is "idle" or "mix" or "alloc") return;
        if (!File.Exists(Script)) Assert.Ignore($"no Slurm answers here and {Script} is missing.");
        var start = Sh("bash", TimeSpan.FromMinutes(10), Script, "start");
        if (start.Code != 0)
            Assert.Ignore($"Slurm cannot be started here: `{Script} start` exited {start.Code}: {Tail(start.Err + start.Out)}");
        startedHere = true;
    }

    /// <summary>Stops the Slurm <see cref="Answer"/> started, if it started one.</summary>
    public void Stop()
    {
        if (startedHere) Sh("bash", TimeSpan.FromMinutes(1), Script, "stop");
    }

    /// <summary>Waits until <paramref name="job"/> leaves the queue; cancels it and fails with the logs of <paramref name="logs"/> past <paramref name="limit"/>.</summary>
    public static void WaitUntilDone(string job, string logs, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (Sh("squeue", "-h", "-j", job).Out.Trim().Length == 0) return;
            Thread.Sleep(500);
        }
        Sh("scancel", job);
        throw new TimeoutException($"job {job} did not finish within {limit}. Logs:\n{Logs(logs)}");
    }

    /// <summary>The tails of the files in <paramref name="folder"/> (a job's log folder).</summary>
    public static string Logs(string folder) =>
        Directory.Exists(folder)
            ? string.Join("\n", Directory.GetFiles(folder).Order().Select(f => $"--- {Path.GetFileName(f)}\n{Tail(File.ReadAllText(f))}"))
            : "(no logs)";

    public static string Tail(string text) => text.Length <= 1500 ? text.Trim() : "..." + text[^1500..].Trim();

    public static (int Code, string Out, string Err) Sh(string file, params string[] args) => Sh(file, TimeSpan.FromSeconds(30), args);

    public static (int Code, string Out, string Err) Sh(string file, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                return (-1, stdout.Result, $"{file} did not finish within {limit.TotalSeconds} s. " + stderr.Result);
            }
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", $"cannot run {file}: {e.Message}");
        }
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Verify.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Verify.sln above {AppContext.BaseDirectory}.");
    }
}
