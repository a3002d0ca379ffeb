using System.Globalization;
using System.Text.Json;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Sweeps;
using static Verify.Experiments.Cli.SweepFixtures;

namespace Verify.Experiments.Cli;

/// <summary>
/// `verify sweep`: a sweep run all at once, line by line, in chunks or from a task index in the
/// environment writes the same runs.jsonl; and it survives what clusters do to tasks: killed
/// tasks, reruns, two tasks on one line, corrupt and foreign files, runs that fail.
/// </summary>
[TestFixture]
public sealed class SweepTest
{
    readonly List<string> folders = [];

    [TearDown]
    public void RemoveFolders()
    {
        foreach (var f in folders) Directory.Delete(f, recursive: true);
        folders.Clear();
    }

    string PlannedTiny()
    {
        var dir = NewFolder(folders);
        Plan(dir, TinyTwoLayer);
        return dir;
    }

    static void ShouldSucceed(Verify.TestSupport.ProgramRun run) => run.ExitCode.ShouldBe(0, run.ToString());

    [Test]
    public void ASweep_WritesTheSameRuns_AllAtOnce_LineByLine_InChunks_AndFromTheTaskIndexVariables()
    {
        var all = PlannedTiny();
        ShouldSucceed(Here("sweep", "run", all, "--all"));
        ShouldSucceed(Here("sweep", "collect", all));

        var byLine = PlannedTiny();
        for (var i = 0; i < 8; i++) ShouldSucceed(Here("sweep", "run", byLine, "--index", i.ToString(CultureInfo.InvariantCulture)));
        ShouldSucceed(Here("sweep", "collect", byLine));

        // Tasks of 3 lines (the last has 2); Slurm's and Kubernetes' index variables in child processes.
        var chunks = PlannedTiny();
        ShouldSucceed(Child(new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "0" }, TimeSpan.FromSeconds(60), "sweep", "run", chunks, "--chunk", "3"));
        ShouldSucceed(Child(new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "1" }, TimeSpan.FromSeconds(60), "sweep", "run", chunks, "--chunk", "3"));
        ShouldSucceed(Here("sweep", "run", chunks, "--index", "2", "--chunk", "3"));
        ShouldSucceed(Here("sweep", "collect", chunks));

        var expected = RunsWithoutTimings(all);
        expected.Length.ShouldBe(8);
        RunsWithoutTimings(byLine).ShouldBe(expected, "line by line against all at once");
        RunsWithoutTimings(chunks).ShouldBe(expected, "in chunks of 3 against all at once");
        File.Exists(Path.Combine(all, "report.md")).ShouldBeTrue("collect writes the report of reproduce");
        File.Exists(Path.Combine(all, "lshape.png")).ShouldBeTrue();
    }

    /// <summary>The control: a sweep with other seeds is not mistaken for the same one.</summary>
    [Test]
    public void ASweepWithOtherSeeds_WritesOtherRuns()
    {
        var one = PlannedTiny();
        var other = NewFolder(folders);
        Plan(other, [.. TinyTwoLayer, "--seeds", "3-4"]);
        foreach (var dir in new[] { one, other })
        {
            ShouldSucceed(Here("sweep", "run", dir, "--all"));
            ShouldSucceed(Here("sweep", "collect", dir));
        }
        static string WithoutSeed(string line) { var n = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject(); n.Remove("seed"); return n.ToJsonString(); }
        RunsWithoutTimings(other).Select(WithoutSeed).ShouldNotBe(RunsWithoutTimings(one).Select(WithoutSeed));
    }

    [Test]
    public void RunIds_ComeFromTheConfiguration_AndRunSeedsAreTheConfigurationsSeeds()
    {
        var dir = PlannedTiny();
        var manifest = SweepManifest.Load(dir);
        manifest.Entries.Count.ShouldBe(8);
        manifest.Entries.Select(e => e.RunId).Distinct().Count().ShouldBe(8, "every run its own id");
        foreach (var e in manifest.Entries)
        {
            e.RunId.ShouldBe(SweepJson.RunId(e.Config));
            e.RunSeed.ShouldBe(e.Config.Seed);
        }
        // The same configuration planned elsewhere has the same id; one knob changed gives another.
        var again = PlannedTiny();
        SweepManifest.Load(again).Entries.Select(e => e.RunId).ShouldBe(manifest.Entries.Select(e => e.RunId));
        SweepJson.RunId(manifest.Entries[0].Config with { LearningRate = 0.02 }).ShouldNotBe(manifest.Entries[0].RunId);
    }

    /// <summary>--seed-count K draws K run seeds by name from --sweep-seed: distinct, reproducible, and another sweep seed gives others.</summary>
    [Test]
    public void DrawnRunSeeds_ComeFromANamedStreamOfTheSweepSeed()
    {
        string[] knobs = [.. TinyTwoLayer.Take(6), "--decay", "1", "--seed-count", "4", "--sweep-seed", "7", .. TinyTwoLayer.Skip(10)];
        var dir = NewFolder(folders);
        Plan(dir, knobs);
        var seeds = SweepManifest.Load(dir).Entries.Select(e => e.RunSeed).Distinct().ToArray();
        seeds.ShouldBe(Enumerable.Range(0, 4).Select(k => Verify.Model.Runtime.Seeds.Of(7, "sweep-run", k)).ToArray());
        var other = NewFolder(folders);
        Plan(other, [.. knobs, "--sweep-seed", "8"]);
        SweepManifest.Load(other).Entries.Select(e => e.RunSeed).Intersect(seeds).ShouldBeEmpty("another sweep seed, other run seeds");
    }

    /// <summary>A result file holds the whole run, and reads back to the same run: written again, it is the same text.</summary>
    [Test]
    public void AResult_ReadsBackAsItWasWritten()
    {
        var config = new TwoLayerConfig { D = 8, M = 3, Multi = 2, Decay = 1, Outputs = 5, Epochs = 2, ItersPerEpoch = 100, NTrain = 64, NEval = 50, Seed = 3 };
        var run = TwoLayerExperiment.Run(config);
        var written = JsonSerializer.Serialize(new SweepResult(SweepJson.RunId(config), 0, "two-layer", run), SweepJson.Options);

        var read = JsonSerializer.Deserialize<SweepResult>(written, SweepJson.Options)!;

        JsonSerializer.Serialize(read, SweepJson.Options).ShouldBe(written);
        read.Run.Config.ShouldBe(config);
        read.Run.BestCorrPerTeacher.ShouldBe(run.BestCorrPerTeacher);
        read.Run.EvalLossPerEpoch.ShouldBe(run.EvalLossPerEpoch);
    }

    [Test]
    public void ARerun_SkipsRunsWithAResult_AndCollectCountsEachRunOnce()
    {
        var dir = PlannedTiny();
        ShouldSucceed(Here("sweep", "run", dir, "--index", "2"));
        var first = File.ReadAllText(Path.Combine(dir, "results", ResultFiles(dir).Single()));

        var again = Here("sweep", "run", dir, "--index", "2");
        ShouldSucceed(again);
        again.Stdout.ShouldContain("0 ran, 1 skipped");
        File.ReadAllText(Path.Combine(dir, "results", ResultFiles(dir).Single())).ShouldBe(first, "a skipped run leaves its result as it was");

        var rest = Here("sweep", "run", dir, "--all");
        rest.Stdout.ShouldContain("7 ran, 1 skipped");
        ShouldSucceed(Here("sweep", "collect", dir));
        var ids = File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("seed").GetInt64() + "/" +
                                                                               JsonDocument.Parse(l).RootElement.GetProperty("multi").GetInt32() + "/" +
                                                                               JsonDocument.Parse(l).RootElement.GetProperty("decay").GetDouble()).ToArray();
        ids.Length.ShouldBe(8);
        ids.Distinct().Count().ShouldBe(8, "no run counted twice");
    }

    /// <summary>
    /// A task of two lines is killed as soon as the first line's result appears, that is while the
    /// second line trains: the first result is whole, the second line has none (nothing partial); the
    /// rerun of the task skips the first line and completes the second.
    /// </summary>
    [Test]
    public void AKilledTask_LeavesNoPartialResult_AndARerunCompletesTheSweep()
    {
        var dir = NewFolder(folders);
        Plan(dir, TwoLongRuns);
        var manifest = SweepManifest.Load(dir);
        var (first, second) = (SweepFiles.ResultPath(dir, manifest.Entries[0].RunId), SweepFiles.ResultPath(dir, manifest.Entries[1].RunId));
        using (var task = Start(null, "sweep", "run", dir, "--index", "0", "--chunk", "2", "--workers", "1"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(first) && !task.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            task.Kill(entireProcessTree: true);
            task.WaitForExit();
        }
        File.Exists(first).ShouldBeTrue("the first line finished before the kill");
        File.Exists(second).ShouldBeFalse("the second line was training when the task was killed: no result, nothing partial");
        var scan = SweepFiles.Scan(dir, manifest);
        scan.Done.Keys.ShouldBe([0], "the first result is whole");
        scan.Missing.ShouldBe([1]);
        Here("sweep", "collect", dir).ExitCode.ShouldBe(5);

        var rerun = Here("sweep", "run", dir, "--index", "0", "--chunk", "2", "--workers", "1");
        ShouldSucceed(rerun);
        rerun.Stdout.ShouldContain("1 ran, 1 skipped");
        ShouldSucceed(Here("sweep", "collect", dir));
        File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Length.ShouldBe(2);
    }

    /// <summary>A temporary file cut short by a kill during writing is never read as a result.</summary>
    [Test]
    public void ATemporaryFileLeftByAKillDuringWriting_IsIgnored()
    {
        var dir = PlannedTiny();
        ShouldSucceed(Here("sweep", "run", dir, "--all"));
        var id = SweepManifest.Load(dir).Entries[0].RunId;
        File.WriteAllText(Path.Combine(dir, "results", $".{id}.json.1234.0123456789abcdef.tmp"), "{\"run_id\":\"" + id + "\",\"ind");

        Here("sweep", "status", dir).Stdout.ShouldContain("1 temporary file(s)");
        ShouldSucceed(Here("sweep", "collect", dir));
        File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Length.ShouldBe(8);
    }

    /// <summary>Two tasks on one line (a requeued task and its original) leave one whole result, whichever finishes first.</summary>
    [Test]
    public void TwoTasksOnOneLine_LeaveOneWholeResult()
    {
        var dir = PlannedTiny();
        var tasks = Enumerable.Range(0, 2).Select(_ => Start(null, "sweep", "run", dir, "--index", "5", "--workers", "1")).ToArray();
        foreach (var t in tasks)
        {
            t.WaitForExit(60_000).ShouldBeTrue();
            t.ExitCode.ShouldBe(0, t.StandardError.ReadToEnd());
            t.Dispose();
        }
        ResultFiles(dir).ShouldBe([SweepManifest.Load(dir).Entries[5].RunId + ".json"], "one result and no temporary file");
        SweepFiles.Scan(dir, SweepManifest.Load(dir)).Done.Keys.ShouldBe([5]);
    }

    /// <summary>The same, at the moment of writing: 16 writers race on one result; exactly one wins and the file is whole.</summary>
    [Test]
    public void ManyWritersOnOneResult_LeaveOneWholeFile()
    {
        var dir = PlannedTiny();
        ShouldSucceed(Here("sweep", "run", dir, "--index", "0"));
        var manifest = SweepManifest.Load(dir);
        var entry = manifest.Entries[0];
        var path = SweepFiles.ResultPath(dir, entry.RunId);
        var run = JsonSerializer.Deserialize<SweepResult>(File.ReadAllText(path), SweepJson.Options)!.Run;
        File.Delete(path);

        var wins = 0;
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, k =>
        {
            if (SweepFiles.WriteResult(dir, entry, run with { Seconds = k })) Interlocked.Increment(ref wins);
        });

        wins.ShouldBe(1);
        ResultFiles(dir).ShouldBe([entry.RunId + ".json"]);
        SweepFiles.Scan(dir, manifest).Done[0].Run.TrainLoss.ShouldBe(run.TrainLoss);
    }

    [Test]
    public void CollectRefusesAnIncompleteSweep_NamingTheMissingLines_UnlessPartial()
    {
        var dir = PlannedTiny();
        foreach (var i in new[] { 0, 2, 4, 5, 6, 7 }) ShouldSucceed(Here("sweep", "run", dir, "--index", i.ToString(CultureInfo.InvariantCulture)));

        var refused = Here("sweep", "collect", dir);
        refused.ExitCode.ShouldBe(5, refused.ToString());
        refused.Stderr.ShouldContain("2 of 8 runs have no result, lines 1,3");
        File.Exists(Path.Combine(dir, "runs.jsonl")).ShouldBeFalse();

        var partial = Here("sweep", "collect", dir, "--partial");
        ShouldSucceed(partial);
        File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Length.ShouldBe(6);
        File.ReadAllText(Path.Combine(dir, "report.md")).ShouldContain("**Partial sweep**: 6 of 8 runs collected; lines without a result: 1,3.");
    }

    [Test]
    public void ACorruptResult_IsRefusedByName()
    {
        var dir = PlannedTiny();
        ShouldSucceed(Here("sweep", "run", dir, "--all"));
        var victim = Path.Combine(dir, "results", ResultFiles(dir)[3]);
        var text = File.ReadAllText(victim);
        File.WriteAllText(victim, text[..(text.Length / 2)]);

        var run = Here("sweep", "collect", dir);
        run.ExitCode.ShouldBe(4, run.ToString());
        run.Stderr.ShouldContain($"'{victim}': corrupt");
        File.Exists(Path.Combine(dir, "runs.jsonl")).ShouldBeFalse();
        Here("sweep", "status", dir).Stdout.ShouldContain($"refused: '{victim}': corrupt");
    }

    [Test]
    public void AForeignResult_IsRefusedByName()
    {
        var dir = PlannedTiny();
        ShouldSucceed(Here("sweep", "run", dir, "--all"));
        var other = NewFolder(folders);
        Plan(other, [.. TinyTwoLayer, "--seeds", "9"]);
        ShouldSucceed(Here("sweep", "run", other, "--index", "0"));
        var foreign = ResultFiles(other).Single();
        File.Copy(Path.Combine(other, "results", foreign), Path.Combine(dir, "results", foreign));
        // A result stored under another run's name is refused too.
        var mine = ResultFiles(dir).Where(f => f != foreign).ToArray();
        File.Copy(Path.Combine(dir, "results", mine[0]), Path.Combine(dir, "results", "0000000000000000.json"));

        var run = Here("sweep", "collect", dir);
        run.ExitCode.ShouldBe(4, run.ToString());
        run.Stderr.ShouldContain($"{foreign}': foreign: run {foreign[..^5]} is not in this sweep's manifest");
        run.Stderr.ShouldContain($"0000000000000000.json': holds run {mine[0][..^5]} but is named 0000000000000000.json");
    }

    /// <summary>A run that throws writes its error to failed/, not a result; status names it; a later success clears it.</summary>
    [Test]
    public void AFailedRun_WritesItsError_NotAResult()
    {
        var dir = PlannedTiny();
        var manifest = SweepManifest.Load(dir);
        var report = SweepRunner.Run(dir, manifest.Entries.Take(3).ToArray(), workers: 1,
            train: c => c.Multi == 2 ? throw new InvalidOperationException("simulated out-of-memory on the node") : TwoLayerExperiment.Run(c));

        report.Failed.ShouldBe(1);
        report.Ran.ShouldBe(2);
        SweepFiles.HasResult(dir, manifest.Entries[1].RunId).ShouldBeFalse();
        var status = Here("sweep", "status", dir);
        status.Stdout.ShouldContain("2 done, 1 failed, 5 not run yet");
        status.Stdout.ShouldContain("failed line 1");
        status.Stdout.ShouldContain("System.InvalidOperationException: simulated out-of-memory on the node");
        Here("sweep", "collect", dir).Stderr.ShouldContain("(failed: 1,");

        ShouldSucceed(Here("sweep", "run", dir, "--index", "1"));
        File.Exists(SweepFiles.FailurePath(dir, manifest.Entries[1].RunId)).ShouldBeFalse("a success clears the failure");
    }

    [Test]
    public void TheSlurmScript_IsAnArrayOverTheMissingTasks()
    {
        var dir = PlannedTiny();
        foreach (var i in new[] { 0, 1, 2, 3, 6 }) ShouldSucceed(Here("sweep", "run", dir, "--index", i.ToString(CultureInfo.InvariantCulture)));

        var run = Here("sweep", "slurm", dir, "--chunk", "2", "--missing", "--max-parallel", "3", "--partition", "short", "--time", "0:30:00", "--mem", "2G");
        ShouldSucceed(run);
        var script = File.ReadAllText(Path.Combine(dir, "sweep.sbatch"));
        script.ShouldContain("#SBATCH --array=2,3%3", Case.Sensitive, "lines 4,5 and 7 are missing: tasks 2 and 3 of 2 lines");
        script.ShouldContain("#SBATCH --partition=short");
        script.ShouldContain("#SBATCH --time=0:30:00");
        script.ShouldContain("#SBATCH --mem=2G");
        script.ShouldContain($"#SBATCH --output={dir}/logs/%A_%a.log");
        script.ShouldContain($" sweep run '{dir}' --chunk 2 --workers \"${{SLURM_CPUS_PER_TASK:-1}}\"");
        run.Stdout.ShouldContain($"sbatch '{Path.Combine(dir, "sweep.sbatch")}'");
        Directory.Exists(Path.Combine(dir, "logs")).ShouldBeTrue("Slurm does not create the log folder");
    }

    [TestCase(new[] { "sweep", "run", "DIR" }, 2, "no task index")]
    [TestCase(new[] { "sweep", "run", "DIR", "--index", "8" }, 2, "--index must lie in 0..7")]
    [TestCase(new[] { "sweep", "run", "DIR", "--index", "1", "--all" }, 2, "exclude each other")]
    [TestCase(new[] { "sweep", "plan", "reproduce", "--only", "theorems", "--out", "DIR" }, 2, "'theorems' cannot be planned")]
    [TestCase(new[] { "sweep", "plan", "two-layer", "--seeds", "5", "--out", "DIR" }, 4, "already holds another sweep")]
    [TestCase(new[] { "sweep", "plan", "two-layer", "--batch", "0", "--out", "DIR" }, 2, "--batch")]
    [TestCase(new[] { "sweep", "status", "DIR/nowhere" }, 4, "holds no manifest.jsonl")]
    public void BadInput_IsAClearError(string[] args, int exitCode, string mention)
    {
        var dir = PlannedTiny();
        var run = Here(args.Select(a => a.Replace("DIR", dir, StringComparison.Ordinal)).ToArray());
        run.ExitCode.ShouldBe(exitCode, run.ToString());
        run.Stderr.ShouldStartWith("verify: error: ");
        run.Stderr.ShouldContain(mention);
    }

    [Test]
    public void PlanningTheSameSweepAgain_IsHarmless()
    {
        var dir = PlannedTiny();
        ShouldSucceed(Here(["sweep", "plan", "two-layer", .. TinyTwoLayer, "--out", dir]));
    }

    /// <summary>`reproduce` as plan + run all + collect: the manifest holds the runs reproduce trains, labelled as reproduce labels them.</summary>
    [Test]
    public void ReproducesTwoLayerExperiments_CanBePlanned()
    {
        var dir = NewFolder(folders);
        ShouldSucceed(Here("sweep", "plan", "reproduce", "--out", dir));
        var manifest = SweepManifest.Load(dir);
        var scale = ExperimentScale.Default;
        ReferenceEquals(scale.Success, scale.LShape).ShouldBeFalse("the default success-rate sweep is its own, at the paper's m = 20");
        var expected = scale.LShape.Configs().Select(c => ("lshape", c))
            .Concat(scale.Success.Configs().Select(c => ("success-rate", c)))
            .Concat(scale.Leaky.Configs().Select(c => ("leaky", c)))
            .Concat(scale.SampleSize.Configs().Select(c => ("sample-size", c)))
            .ToArray();
        manifest.Entries.Select(e => (e.Experiment, e.Config)).ShouldBe(expected);
    }
}
