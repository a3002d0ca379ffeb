using System.Diagnostics;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Sweeps;
using static Verify.Experiments.Cli.SweepFixtures;

namespace Verify.Experiments.Cli;

/// <summary>
/// A sweep through a real Slurm (the `Cluster` tier, out of the default run): submitted as a job
/// array, one task cancelled while it trains, the missing indices resubmitted, collected, and
/// compared with the same sweep run in one process. Slurm is the one on this host, or a
/// single-node one that build/slurm/local-cluster.sh starts (and this fixture stops again); where
/// neither answers, the tier reports ignored with the reason.
/// </summary>
[TestFixture, Category("Cluster"), NonParallelizable]
public sealed class ClusterSweepTest
{
    /// <summary>6 runs of 100,000 steps (seconds each on one core): long enough to cancel one while it trains.</summary>
    static readonly string[] Knobs =
    [
        "--d", "20", "--m", "5", "--multi", "1,2", "--decay", "1", "--seeds", "1-3", "--epochs", "10", "--iters-per-epoch", "10000",
        "--n-train", "400", "--n-eval", "400", "--outputs", "10",
    ];

    static readonly TimeSpan JobLimit = TimeSpan.FromMinutes(5);
    readonly List<string> folders = [];
    bool startedHere;

    static string Script => Path.Combine(RepositoryRoot(), "build", "slurm", "local-cluster.sh");

    [OneTimeSetUp]
    public void SlurmAnswers()
    {
        if (Sh("sinfo", "-h", "-o", "%t").Code == 0 && Sh("sinfo", "-h", "-o", "%t").Out.Trim() is "idle" or "mix" or "alloc") return;
        if (!File.Exists(Script)) Assert.Ignore($"no Slurm answers here and {Script} is missing.");
        var start = Sh("bash", TimeSpan.FromMinutes(10), Script, "start");
        if (start.Code != 0)
            Assert.Ignore($"Slurm cannot be started here: `{Script} start` exited {start.Code}: {Tail(start.Err + start.Out)}");
        startedHere = true;
    }

    [OneTimeTearDown]
    public void StopSlurm()
    {
        if (startedHere) Sh("bash", TimeSpan.FromMinutes(1), Script, "stop");
    }

    [TearDown]
    public void RemoveFolders()
    {
        foreach (var f in folders) Directory.Delete(f, recursive: true);
        folders.Clear();
    }

    [Test]
    public void AnArrayWithACancelledTask_ResubmittedForTheMissingIndices_EqualsTheSweepRunInOneProcess()
    {
        var here = NewFolder(folders);
        var cluster = NewFolder(folders);
        Plan(here, Knobs);
        Plan(cluster, Knobs);
        var runs = SweepManifest.Load(cluster).Entries.Count;

        var clock = Stopwatch.StartNew();
        Child(null, JobLimit, "sweep", "run", here, "--all").ExitCode.ShouldBe(0);
        var inProcess = clock.Elapsed;
        Here("sweep", "collect", here).ExitCode.ShouldBe(0);

        clock.Restart();
        var job = Submit(cluster, "--max-parallel", "2");
        var cancelled = CancelOneRunningTask(job);
        WaitUntilDone(job, cluster);
        var scan = SweepFiles.Scan(cluster, SweepManifest.Load(cluster));
        scan.Missing.ShouldBe([cancelled], $"task {cancelled} was cancelled while it trained; every other task finished. Logs:\n{Logs(cluster)}");
        scan.Temporary.ShouldBeEmpty();

        var again = Submit(cluster, "--missing");
        WaitUntilDone(again, cluster);
        var throughSlurm = clock.Elapsed;
        var collect = Here("sweep", "collect", cluster);
        collect.ExitCode.ShouldBe(0, collect.ToString());

        RunsWithoutTimings(cluster).ShouldBe(RunsWithoutTimings(here), "runs.jsonl through Slurm against the sweep run in one process");
        TestContext.Out.WriteLine(FormattableString.Invariant(
            $"sweep of {runs} two-layer runs (100,000 steps each): in one process {inProcess.TotalSeconds:0.0} s; through Slurm (array %2, task {cancelled} cancelled and resubmitted) {throughSlurm.TotalSeconds:0.0} s"));
    }

    string Submit(string dir, params string[] options)
    {
        var run = Child(null, TimeSpan.FromMinutes(1), ["sweep", "slurm", dir, .. options, "--submit"]);
        run.ExitCode.ShouldBe(0, run.ToString());
        var match = Regex.Match(run.Stdout, @"submitted job (\d+)");
        match.Success.ShouldBeTrue(run.ToString());
        return match.Groups[1].Value;
    }

    /// <summary>Cancels the first task of <paramref name="job"/> seen running; returns its array index.</summary>
    static int CancelOneRunningTask(string job)
    {
        var deadline = DateTime.UtcNow + JobLimit;
        while (DateTime.UtcNow < deadline)
        {
            var running = Sh("squeue", "-h", "-j", job, "-t", "RUNNING", "-o", "%K").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (running.Length > 0 && int.TryParse(running[0], out var task))
            {
                var cancel = Sh("scancel", $"{job}_{task}");
                cancel.Code.ShouldBe(0, cancel.Err);
                return task;
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"no task of job {job} started running within {JobLimit}.");
    }

    static void WaitUntilDone(string job, string dir)
    {
        var deadline = DateTime.UtcNow + JobLimit;
        while (DateTime.UtcNow < deadline)
        {
            if (Sh("squeue", "-h", "-j", job).Out.Trim().Length == 0) return;
            Thread.Sleep(500);
        }
        Sh("scancel", job);
        throw new TimeoutException($"job {job} did not finish within {JobLimit}. Logs:\n{Logs(dir)}");
    }

    static string Logs(string dir)
    {
        var logs = Path.Combine(dir, "logs");
        return Directory.Exists(logs)
            ? string.Join("\n", Directory.GetFiles(logs).Order().Select(f => $"--- {Path.GetFileName(f)}\n{Tail(File.ReadAllText(f))}"))
            : "(no logs)";
    }

    static string Tail(string text) => text.Length <= 1500 ? text.Trim() : "..." + text[^1500..].Trim();

    static (int Code, string Out, string Err) Sh(string file, params string[] args) => Sh(file, TimeSpan.FromSeconds(30), args);

    static (int Code, string Out, string Err) Sh(string file, TimeSpan limit, params string[] args)
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
