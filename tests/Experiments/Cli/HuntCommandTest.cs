using System.Text.Json.Nodes;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Hunt;
using Verify.TestSupport;
using static Verify.Experiments.Cli.SweepFixtures;

namespace Verify.Experiments.Cli;

/// <summary>
/// `verify hunt` as a user runs it, on real claims at a budget of a few cases (about a second each): a hunt
/// writes its database and report and a second run continues it; a case replays from the report's command;
/// the Slurm path (the script, tasks by index, the merge) works without Slurm; and bad input is answered with
/// one line naming the problem, exit code 2 (the command line) or 4 (the folder).
/// </summary>
[TestFixture]
public sealed class HuntCommandTest
{
    readonly List<string> folders = [];

    [TearDown]
    public void RemoveFolders()
    {
        foreach (var f in folders) Directory.Delete(f, recursive: true);
        folders.Clear();
    }

    static void ShouldSucceed(ProgramRun run) => run.ExitCode.ShouldBe(0, run.ToString());

    static void ShouldBeAClearError(ProgramRun run, int exitCode, params string[] mentions)
    {
        run.ExitCode.ShouldBe(exitCode, run.ToString());
        run.Stderr.ShouldStartWith("verify: error: ", Case.Sensitive, run.ToString());
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace");
        foreach (var m in mentions) run.Stderr.ShouldContain(m, Case.Insensitive, run.ToString());
    }

    static string[] Lines(string dir, string file = HuntDatabase.CasesFile) => File.ReadAllLines(Path.Combine(dir, file));

    [Test]
    public void AHunt_WritesItsDatabaseAndReport_AndASecondRunContinuesIt()
    {
        var dir = NewFolder(folders);
        ShouldSucceed(Here("hunt", "unspecialized-students-vanish", "--budget", "3", "--db", dir, "--seed", "5", "--workers", "2"));
        var first = Lines(dir);
        first.Length.ShouldBe(3);
        foreach (var file in new[] { "report.md", "hunt.json", "margins.png" }) File.Exists(Path.Combine(dir, file)).ShouldBeTrue(file);

        var again = Here("hunt", "unspecialized-students-vanish", "--budget", "5", "--db", dir, "--workers", "2");
        ShouldSucceed(again);
        again.Stderr.ShouldContain("seed 5", Case.Sensitive, "the seed is the database's when none is given");
        var second = Lines(dir);
        second.Where(l => l.Contains("\"kind\":\"search\"", StringComparison.Ordinal)).Count().ShouldBe(5);
        second.Take(3).ShouldBe(first, "the first run's lines are kept as they were");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "hunt.json")))!;
        ((int)json["cases_tried"]!).ShouldBe(5);
        ((string)json["reading"]!).ShouldBe("hyperplane");
        File.ReadAllText(Path.Combine(dir, "report.md")).ShouldContain("| 5 |");
    }

    [Test]
    public void ACase_ReplaysFromItsText_ToTheVerdictAndMarginInTheDatabase()
    {
        var dir = NewFolder(folders);
        ShouldSucceed(Here("hunt", "core-argument", "--reading", "paper", "--budget", "2", "--db", dir, "--workers", "2"));
        var line = JsonNode.Parse(Lines(dir)[0])!;
        var record = System.Text.Json.JsonSerializer.Deserialize<HuntRecord>(Lines(dir)[0], Verify.Model.Sweeps.SweepJson.Options)!;

        var replay = Here("hunt", "core-argument", "--reading", "paper", "--replay", record.Case.ToString());

        ShouldSucceed(replay);
        replay.Stdout.ShouldContain($"core-argument (paper reading): {(string)line["verdict"]!}");
        if (record.Margin is { } m) replay.Stdout.ShouldContain($"margin {m.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)}");
    }

    [Test]
    public void TheSlurmPath_WritesTheScript_RunsTasksByIndex_AndMerges()
    {
        var dir = NewFolder(folders);
        var script = Here("hunt", "lowest-layer-specialization", "--budget", "3", "--db", dir, "--seed", "9", "--tasks", "2", "--slurm", "--partition", "short", "--time", "0:20:00");
        ShouldSucceed(script);
        var text = File.ReadAllText(Path.Combine(dir, "hunt.sbatch"));
        text.ShouldContain("#SBATCH --array=0-1");
        text.ShouldContain("#SBATCH --partition=short");
        text.ShouldContain($"hunt lowest-layer-specialization --reading hyperplane --budget 3 --db '{dir}' --seed 9 --tasks 2");

        // Task 0 by its option, task 1 by Slurm's index variable in a child process, as the array runs them.
        ShouldSucceed(Here("hunt", "lowest-layer-specialization", "--budget", "3", "--db", dir, "--seed", "9", "--tasks", "2", "--task", "0", "--workers", "2"));
        ShouldSucceed(Child(new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "1" }, TimeSpan.FromSeconds(120),
            "hunt", "lowest-layer-specialization", "--budget", "3", "--db", dir, "--seed", "9", "--tasks", "2", "--workers", "2"));
        Lines(HuntDatabase.TaskFolder(dir, 0)).Length.ShouldBeGreaterThanOrEqualTo(2, "task 0 takes 2 of the 3 cases");
        Lines(HuntDatabase.TaskFolder(dir, 1)).Length.ShouldBeGreaterThanOrEqualTo(1, "task 1 takes 1");

        var merge = Here("hunt", "--merge", "--db", dir);
        ShouldSucceed(merge);
        merge.Stdout.ShouldContain("merged task-0");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "hunt.json")))!;
        ((int)json["cases_tried"]!).ShouldBe(3);
        json["streams"]!.AsArray().Select(s => (string)s!["stream"]!).ShouldBe(["task-0", "task-1"]);
        Here("hunt", "--merge", "--db", dir).Stdout.ShouldContain("0 cases added");
    }

    [Test]
    public void AnUnknownClaim() =>
        ShouldBeAClearError(Here("hunt", "frobnicate", "--budget", "2", "--db", NewFolder(folders)), 2, "unknown claim 'frobnicate'", "lowest-layer-specialization");

    [TestCase("10x", "--budget")]
    [TestCase("0", "at least 1")]
    [TestCase("-3m", "--budget")]
    public void ABadBudget(string budget, string mention) =>
        ShouldBeAClearError(Here("hunt", "core-argument", "--budget", budget, "--db", NewFolder(folders)), 2, mention);

    [Test]
    public void NoBudget() => ShouldBeAClearError(Here("hunt", "core-argument", "--db", NewFolder(folders)), 2, "--budget");

    [Test]
    public void NoDatabase() => ShouldBeAClearError(Here("hunt", "core-argument", "--budget", "2"), 2, "--db");

    [Test]
    public void TheDeepClaim_HasThePapersReadingOnly() =>
        ShouldBeAClearError(Here("hunt", "lowest-layer-specialization.deep", "--reading", "hyperplane", "--budget", "2", "--db", NewFolder(folders)), 2, "paper's reading only");

    [Test]
    public void AMalformedReplay() =>
        ShouldBeAClearError(Here("hunt", "core-argument", "--replay", "base:d=3,m=2"), 2, "--replay", "'leak' is missing");

    [Test]
    public void AnUnreadableDatabase()
    {
        var dir = NewFolder(folders);
        File.WriteAllText(Path.Combine(dir, HuntDatabase.CasesFile), "{\"claim\":\"core-argument\"}\n{\n");
        ShouldBeAClearError(Here("hunt", "core-argument", "--budget", "2", "--db", dir), 4, HuntDatabase.CasesFile, "line 1 is not a hunt case");
    }

    [Test]
    public void ADatabaseThatIsAFile()
    {
        var file = Path.Combine(NewFolder(folders), "plain.txt");
        File.WriteAllText(file, "");
        ShouldBeAClearError(Here("hunt", "core-argument", "--budget", "2", "--db", file), 4, "is a file");
    }

    [Test]
    public void ADatabaseOfAnotherClaim()
    {
        var dir = NewFolder(folders);
        ShouldSucceed(Here("hunt", "core-argument", "--reading", "paper", "--budget", "1", "--db", dir, "--seed", "3"));
        ShouldBeAClearError(Here("hunt", "lowest-layer-specialization", "--budget", "1", "--db", dir), 4, "holds the hunt of core-argument (paper reading, seed 3)");
    }

    [Test]
    public void ADatabaseInUse()
    {
        var dir = NewFolder(folders);
        using var held = HuntDatabase.Open(dir);
        ShouldBeAClearError(Here("hunt", "core-argument", "--budget", "1", "--db", dir), 4, "in use by another hunt");
    }

    [Test]
    public void MergeWithNothingToMerge() =>
        ShouldBeAClearError(Here("hunt", "--merge", "--db", NewFolder(folders)), 4, "nothing to merge");

    [Test]
    public void HuntHelp_ListsTheOptions()
    {
        var run = Here("hunt", "--help");
        run.ExitCode.ShouldBe(0, run.ToString());
        foreach (var option in new[] { "--reading", "--budget", "--db", "--seed", "--workers", "--replay", "--merge", "--tasks", "--slurm" })
            run.Stdout.ShouldContain(option);
    }
}
