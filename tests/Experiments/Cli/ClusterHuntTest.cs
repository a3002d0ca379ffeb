using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Hunt;
using static Verify.Experiments.Cli.SweepFixtures;

namespace Verify.Experiments.Cli;

/// <summary>
/// A hunt through a real Slurm (the `Cluster` tier, out of the default run): `verify hunt --tasks 2 --slurm --submit`
/// runs the two tasks as a job array, `--merge` gathers them, and the merged database holds exactly the cases of the
/// same two tasks run here, one after the other: nothing lost, nothing duplicated, each judged alike.
/// </summary>
[TestFixture, Category("Cluster"), NonParallelizable]
public sealed class ClusterHuntTest
{
    static readonly TimeSpan JobLimit = TimeSpan.FromMinutes(5);

    /// <summary>Six two-layer cases of claim 2 (about a second each), no shrinking: a hunt small enough for any node.</summary>
    static readonly string[] Hunt = ["hunt", "core-argument", "--budget", "6", "--seed", "7", "--tasks", "2", "--shrink", "0"];

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
    public void AHuntAsAJobArray_MergesToTheCasesOfItsTasksRunHere()
    {
        var here = NewFolder(folders);
        var cluster = NewFolder(folders);
        foreach (var task in new[] { "0", "1" })
        {
            var run = Here([.. Hunt, "--db", here, "--task", task, "--workers", "1"]);
            run.ExitCode.ShouldBe(0, run.ToString());
        }
        Here("hunt", "--merge", "--db", here).ExitCode.ShouldBe(0);

        var submit = Child(null, TimeSpan.FromMinutes(1), [.. Hunt, "--db", cluster, "--slurm", "--submit"]);
        submit.ExitCode.ShouldBe(0, submit.ToString());
        var job = Regex.Match(submit.Stdout, @"submitted job (\d+)");
        job.Success.ShouldBeTrue(submit.ToString());
        LocalSlurm.WaitUntilDone(job.Groups[1].Value, Path.Combine(cluster, "logs"), JobLimit);
        var merge = Here("hunt", "--merge", "--db", cluster);
        merge.ExitCode.ShouldBe(0, $"{merge}\nLogs:\n{LocalSlurm.Logs(Path.Combine(cluster, "logs"))}");

        var throughSlurm = CasesWithoutTimings(cluster);
        throughSlurm.Length.ShouldBe(6, $"the budget's 6 cases, 3 per task. Logs:\n{LocalSlurm.Logs(Path.Combine(cluster, "logs"))}");
        throughSlurm.Distinct().Count().ShouldBe(6, "no case merged twice");
        throughSlurm.ShouldBe(CasesWithoutTimings(here), "the cases through Slurm against the same tasks run here");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(cluster, "hunt.json")))!;
        ((int)json["cases_tried"]!).ShouldBe(6);
        Here("hunt", "--merge", "--db", cluster).Stdout.ShouldContain("0 cases added", Case.Sensitive, "a second merge adds nothing");
        TestContext.Out.WriteLine($"job {job.Groups[1].Value}: {throughSlurm.Length} cases merged, equal to the tasks run here");
    }

    /// <summary>The database's lines without the wall time and the clock time of each case, in stream and index order.</summary>
    static string[] CasesWithoutTimings(string dir) =>
        File.ReadAllLines(Path.Combine(dir, HuntDatabase.CasesFile))
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Select(o => { o.Remove("seconds"); o.Remove("at"); return o; })
            .OrderBy(o => (string)o["stream"]!, StringComparer.Ordinal).ThenBy(o => (int)o["index"]!)
            .Select(o => o.ToJsonString()).ToArray();
}
