using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Verify.Cli.Report;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Sweeps;
using Verify.Model.Training;

namespace Verify.Cli;

/// <summary>`sweep collect` found runs without a result; the message names their indices.</summary>
sealed class SweepIncompleteException(string message) : Exception(message);

/// <summary>
/// `verify sweep plan|run|slurm|status|collect`: a sweep as a manifest of runs, trained by index
/// (a Slurm job array, a Kubernetes indexed job, or all in this process), each result written
/// atomically to DIR/results/, and collected into the report `reproduce` writes.
/// </summary>
static class SweepCommand
{
    /// <summary>Environment variables a task's index is read from, in order: Slurm job arrays, Kubernetes indexed jobs.</summary>
    static readonly string[] IndexVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

    public static Command Create() => new("sweep", "a sweep as a manifest: plan it, run it by index (Slurm job arrays, Kubernetes indexed jobs) or all here, see its status, collect its report")
    {
        Plan(), RunCommand(), Slurm(), Status(), Collect(),
    };

    static Argument<string> Folder() => new("DIR") { Description = "the sweep's folder (manifest.jsonl, results/, failed/, logs/)" };

    static Option<int> Chunk() => Options.Int("--chunk", 1, 1, 1_000_000, "manifest lines per task: task I runs lines I*K .. I*K+K-1");

    // ---- plan ----

    static Command Plan()
    {
        var twoLayer = new Command("two-layer", "plan a two-layer sweep; the options are those of `verify two-layer`");
        var knobs = new TwoLayerOptions();
        knobs.AddTo(twoLayer);
        var out1 = PlanFolder();
        twoLayer.Add(out1);
        twoLayer.SetAction(r => WritePlan(SweepPlan.OfTwoLayer(knobs.Sweep(r)), r.GetValue(out1)!));

        var reproduce = new Command("reproduce", "plan the two-layer experiments of `verify reproduce` (collect writes its report for them)");
        var scale = Options.String("--scale", ExperimentScale.Default.Name, "default|paper", "the scale of `verify reproduce`", name =>
        {
            try { ExperimentScale.Parse(name); return null; }
            catch (ArgumentException e) { return Options.Message(e); }
        });
        var only = Options.String("--only", string.Join(",", SweepPlan.PlannableExperiments), "LIST", "the experiments to plan, a comma list", list =>
            Split(list).FirstOrDefault(o => !SweepPlan.PlannableExperiments.Contains(o)) is { } unknown
                ? $"'{unknown}' cannot be planned as a sweep; experiments of two-layer runs: {string.Join(", ", SweepPlan.PlannableExperiments)}."
                : null);
        var out2 = PlanFolder();
        reproduce.Add(scale);
        reproduce.Add(only);
        reproduce.Add(out2);
        reproduce.SetAction(r => WritePlan(SweepPlan.OfReproduce(ExperimentScale.Parse(r.GetValue(scale)!), Split(r.GetValue(only)!)), r.GetValue(out2)!));

        return new Command("plan", "write DIR/manifest.jsonl: one line per run with its configuration, run seed and run id") { twoLayer, reproduce };
    }

    static Option<string> PlanFolder()
    {
        var option = Options.String("--out", null, "DIR", "the sweep's folder (created; may hold the same sweep already, not another)");
        option.Required = true;
        return option;
    }

    static int WritePlan(SweepPlan plan, string dir)
    {
        SweepManifest manifest;
        try { manifest = SweepManifest.Create(plan); }
        catch (ArgumentException e) { throw new UsageException(Options.Message(e)); } // a configuration out of range: the options' fault
        dir = OutputFolder.Prepare(dir, "--out");
        manifest.Write(dir);
        var path = Path.Combine(dir, SweepManifest.ManifestFile);
        Console.WriteLine($"planned {manifest.Entries.Count} runs in {path} ({string.Join(", ", manifest.Entries.GroupBy(e => e.Experiment).Select(g => $"{g.Key}: {g.Count()}"))})");
        Console.WriteLine($"next: verify sweep run {dir} --all   (here), or   verify sweep slurm {dir} --submit   (a Slurm job array)");
        return Cli.Exit.Ok;
    }

    // ---- run ----

    static Command RunCommand()
    {
        var dir = Folder();
        var index = Options.OptionalInt("--index", 0, int.MaxValue, $"the task to run (default: ${IndexVariables[0]}, else ${IndexVariables[1]})");
        var chunk = Chunk();
        var all = Options.Flag("--all", "run every line of the manifest here, on all cores");
        var workers = Options.Int("--workers", DefaultWorkers(), 1, 1024, "runs trained side by side (default: $SLURM_CPUS_PER_TASK, else this machine's processor count)");
        var device = Options.Device();
        var command = new Command("run", "train the runs of one task (or --all) and write DIR/results/<run id>.json atomically; runs with a result are skipped")
        {
            dir, index, chunk, all, workers, device,
        };
        command.SetAction(r => Run(r.GetValue(dir)!, r.GetValue(index), r.GetValue(chunk), r.GetValue(all), r.GetValue(workers), r.GetValue(device)));
        return command;
    }

    static int DefaultWorkers() =>
        int.TryParse(Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) && c >= 1
            ? c
            : TrialRunner.DefaultWorkers;

    static int Run(string dir, int? index, int chunk, bool all, int workers, string? device)
    {
        if (all && index is not null) throw new UsageException("--all and --index exclude each other.");
        var manifest = SweepManifest.Load(dir);
        if (device is not null) Verify.Model.Runtime.TorchRuntime.UseDevice(device);
        IReadOnlyList<SweepEntry> entries;
        string what;
        if (all)
        {
            entries = manifest.Entries;
            what = $"all {entries.Count} runs";
        }
        else
        {
            var task = index ?? IndexFromEnvironment();
            if (task >= manifest.TaskCount(chunk))
                throw new UsageException($"--index must lie in 0..{manifest.TaskCount(chunk) - 1} ({manifest.Entries.Count} runs, --chunk {chunk}); got {task}.");
            entries = manifest.Task(task, chunk);
            what = $"task {task}: line{(entries.Count > 1 ? "s" : "")} {entries[0].Index}{(entries.Count > 1 ? $"..{entries[^1].Index}" : "")}";
        }
        var clock = Stopwatch.StartNew();
        var report = SweepRunner.Run(dir, entries, workers, new Progress($"sweep {what}").Report);
        Console.WriteLine(FormattableString.Invariant($"sweep {what}: {report.Ran} ran, {report.Skipped} skipped (result exists), {report.Failed} failed ({clock.Elapsed.TotalSeconds:0.0} s)"));
        foreach (var e in report.Errors) Console.Error.WriteLine($"verify: run failed: {e}");
        return report.Failed > 0 ? Cli.Exit.RunsFailed : Cli.Exit.Ok;
    }

    static int IndexFromEnvironment()
    {
        foreach (var variable in IndexVariables)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(value)) continue;
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < 0)
                throw new UsageException($"${variable} is '{value}', not a task index (a whole number >= 0).");
            return i;
        }
        throw new UsageException($"no task index: give --index I or --all, or run as a task of a Slurm job array (${IndexVariables[0]}) or a Kubernetes indexed job (${IndexVariables[1]}).");
    }

    // ---- slurm ----

    static Command Slurm()
    {
        var dir = Folder();
        var partition = Options.String("--partition", null, "P", "the Slurm partition (default: the cluster's default)");
        var time = Options.String("--time", null, "T", "time limit per task, in Slurm's format (e.g. 2:00:00)");
        var cpus = Options.Int("--cpus-per-task", 1, 1, 1024, "cores per task (the task trains its chunk's runs side by side)");
        var mem = Options.String("--mem", null, "M", "memory per task, in Slurm's format (e.g. 4G)");
        var gpus = Options.OptionalInt("--gpus", 1, 64, "GPUs per task (the runs then train on cuda)");
        var maxParallel = Options.OptionalInt("--max-parallel", 1, 1_000_000, "tasks running at once (#SBATCH --array=...%K)");
        var chunk = Chunk();
        var missing = Options.Flag("--missing", "only the tasks with a line that has no result yet");
        var submit = Options.Flag("--submit", "submit the script with sbatch");
        var verify = Options.String("--verify", null, "CMD", "how a task starts verify (default: this program, as it was started)");
        var command = new Command("slurm", "write DIR/sweep.sbatch, a Slurm job array over the manifest (logs under DIR/logs/), and print or run its sbatch command")
        {
            dir, partition, time, cpus, mem, gpus, maxParallel, chunk, missing, submit, verify,
        };
        command.SetAction(r => SlurmScript.Write(r.GetValue(dir)!, new SlurmScript.Settings(
            r.GetValue(partition), r.GetValue(time), r.GetValue(cpus), r.GetValue(mem), r.GetValue(gpus), r.GetValue(maxParallel),
            r.GetValue(chunk), r.GetValue(missing), r.GetValue(verify)), r.GetValue(submit)));
        return command;
    }

    // ---- status ----

    static Command Status()
    {
        var dir = Folder();
        var chunk = Chunk();
        var command = new Command("status", "list done, missing and failed runs, and result files collect would refuse") { dir, chunk };
        command.SetAction(r =>
        {
            var folder = r.GetValue(dir)!;
            var manifest = SweepManifest.Load(folder);
            var scan = SweepFiles.Scan(folder, manifest);
            var k = r.GetValue(chunk);
            Console.WriteLine($"sweep {folder}: {manifest.Entries.Count} runs ({manifest.Plan.Kind}): {scan.Done.Count} done, {scan.Failed.Count} failed, {scan.Missing.Count - scan.Failed.Count} not run yet");
            if (scan.Missing.Count > 0)
            {
                Console.WriteLine($"missing lines: {Ranges(scan.Missing)}");
                if (k > 1) Console.WriteLine($"missing tasks (--chunk {k}): {Ranges(scan.Missing.Select(i => i / k).Distinct().ToArray())}");
            }
            foreach (var (i, f) in scan.Failed.OrderBy(p => p.Key))
                Console.WriteLine($"failed line {i} ({f.RunId}, {f.At:yyyy-MM-dd HH:mm:ss} UTC): {f.ErrorType}: {f.Message}");
            foreach (var refused in scan.Refused) Console.WriteLine($"refused: {refused}");
            if (scan.Temporary.Count > 0) Console.WriteLine($"{scan.Temporary.Count} temporary file(s) in results/ left by tasks killed while writing; never read as results");
            if (scan.Missing.Count > 0) Console.WriteLine($"next: verify sweep slurm {folder} --missing --submit   or   verify sweep run {folder} --all");
            return Cli.Exit.Ok;
        });
        return command;
    }

    // ---- collect ----

    static Command Collect()
    {
        var dir = Folder();
        var partial = Options.Flag("--partial", "collect the runs that have a result, and say in the report which are missing");
        var command = new Command("collect", "merge the results into DIR/runs.jsonl (manifest order) and write the report of `verify reproduce` (report.md, figures) into DIR")
        {
            dir, partial,
        };
        command.SetAction(r => Collect(r.GetValue(dir)!, r.GetValue(partial)));
        return command;
    }

    static int Collect(string dir, bool partial)
    {
        var manifest = SweepManifest.Load(dir);
        var scan = SweepFiles.Scan(dir, manifest);
        if (scan.Refused.Count > 0)
            throw new InvalidDataException($"{scan.Refused.Count} file(s) in {Path.Combine(dir, SweepFiles.ResultsFolder)} are not results of this sweep; move them away and rerun their lines: " +
                                           string.Join("; ", scan.Refused));
        var failed = scan.Failed.Count > 0 ? $" (failed: {Ranges(scan.Failed.Keys.Order().ToArray())}, see `verify sweep status {dir}`)" : "";
        if (scan.Missing.Count > 0 && !partial)
            throw new SweepIncompleteException($"sweep incomplete: {scan.Missing.Count} of {manifest.Entries.Count} runs have no result, lines {Ranges(scan.Missing)}{failed}; " +
                                               $"run them (verify sweep slurm {dir} --missing --submit, or verify sweep run {dir} --all) or collect what exists with --partial.");
        if (scan.Done.Count == 0) throw new SweepIncompleteException($"sweep {dir} has no results yet; nothing to collect.");

        var byId = scan.Done.Values.ToDictionary(d => d.RunId, d => d.Run);
        var plan = manifest.Plan;
        // A partial sweep reports only the experiments with a result for every one of their sub-sweeps.
        var present = plan.Runs().ToLookup(x => x.Experiment, x => x.Configs.Any(c => byId.ContainsKey(SweepJson.RunId(c))));
        var only = plan.ReportExperiments().Where(e => ReportedBy(e).All(label => !present.Contains(label) || present[label].All(any => any))).ToArray();
        var clock = Stopwatch.StartNew();
        ReproduceCommand.Reproduce(new ReproduceCommand.Request(plan.ReportScale(), Path.GetFullPath(dir), only, null, TrialRunner.DefaultWorkers, Verify.Model.Protocols.TheoremCheckSettings.DefaultRunSeed),
            (_, configs) => Divergence.Warn(configs.Select(c => byId.GetValueOrDefault(SweepJson.RunId(c))).OfType<TwoLayerRun>().ToArray()));

        // runs.jsonl: every result in manifest order, labelled as the manifest labels it.
        RunsJsonl.Write(Path.Combine(dir, "runs.jsonl"), manifest.Entries.Where(e => scan.Done.ContainsKey(e.Index))
            .Select(e => RunsJsonl.Record(scan.Done[e.Index].Run, e.Experiment)));
        if (scan.Missing.Count > 0)
        {
            var note = $"**Partial sweep**: {scan.Done.Count} of {manifest.Entries.Count} runs collected; lines without a result: {Ranges(scan.Missing)}{failed}." +
                       (only.Length < plan.ReportExperiments().Count ? $" Not reported (a sub-sweep has no result at all): {string.Join(", ", plan.ReportExperiments().Except(only))}." : "");
            var report = Path.Combine(dir, "report.md");
            var lines = File.ReadAllLines(report).ToList();
            lines.InsertRange(1, ["", note]);
            File.WriteAllLines(report, lines);
            Console.Error.WriteLine($"verify: warning: {note.Replace("**", "", StringComparison.Ordinal)}");
        }
        Console.WriteLine($"collected {scan.Done.Count} of {manifest.Entries.Count} runs into {Path.Combine(dir, "runs.jsonl")} ({clock.Elapsed.TotalSeconds:0.0} s)");
        return Cli.Exit.Ok;
    }

    /// <summary>The runs.jsonl labels of one experiment of `reproduce`.</summary>
    static string[] ReportedBy(string experiment) => experiment == "two-layer" ? ["two-layer", "lshape", "success-rate"] : [experiment];

    static string[] Split(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Ascending indices as ranges: 0,1,2,5 prints as "0-2,5".</summary>
    internal static string Ranges(IReadOnlyList<int> indices) => new ValueList<int>(indices).ToString();
}
