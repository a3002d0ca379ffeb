using System.Diagnostics;
using System.Text.RegularExpressions;
using static Verify.Experiments.Cli.LocalSlurm;
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
    readonly LocalSlurm slurm = new();

    [OneTimeSetUp]
    public void SlurmAnswers() => slurm.Answer();

    [OneTimeTearDown]
    public void StopSlurm() => slurm.Stop();

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

    static string Submit(string dir, params string[] options)
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

    static void WaitUntilDone(string job, string dir) => LocalSlurm.WaitUntilDone(job, Path.Combine(dir, "logs"), JobLimit);

    static string Logs(string dir) => LocalSlurm.Logs(Path.Combine(dir, "logs"));
}
