using System.CommandLine;
using System.Globalization;
using Verify.Cli.Report;
using Verify.Model.Claims;
using Verify.Model.Hunt;
using Verify.Model.Protocols;
using Verify.Model.Sweeps;

namespace Verify.Cli;

/// <summary>
/// `verify hunt`: a long, resumable search for counterexamples to one claim (docs/theorems/hunt.md).
/// It hunts into a database folder (DIR/cases.jsonl, one line per case) and writes DIR/report.md,
/// DIR/hunt.json and DIR/margins.png; a second run continues it. `--replay CASE` re-judges one case;
/// `--tasks T` runs it as T tasks of a Slurm job array (`--slurm` writes the script), and `--merge`
/// gathers the tasks' cases into DIR.
/// </summary>
static class HuntCommand
{
    const string IndexVariable = "SLURM_ARRAY_TASK_ID";
    public const string ScriptFile = "hunt.sbatch";

    public static Command Create()
    {
        var claim = new Argument<string?>("CLAIM")
        {
            Description = $"the claim to hunt: {string.Join(", ", HuntTargets.Claims)}",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var reading = Options.String("--reading", null, "paper|hyperplane",
            "the reading the claim is judged under (default: hyperplane; claim 1 at depth has the paper's only)",
            r => r is "paper" or "hyperplane" ? null : $"must be paper or hyperplane; got '{r}'.");
        var budget = Options.String("--budget", null, "B",
            "how much to search: a time (10m, 90s, 2h: this run's) or a number of cases (200: the hunt's total; rerun to finish an interrupted hunt)", text =>
            {
                try { HuntBudget.Parse(text); return null; }
                catch (FormatException e) { return e.Message; }
            });
        var db = Options.String("--db", null, "DIR", "the hunt's folder: its database (cases.jsonl) and report; a second run continues the hunt in it");
        var seed = Options.OptionalLong("--seed", 0, long.MaxValue, $"the hunt seed every random choice is drawn from by name (default: the database's, else {TheoremCheckSettings.DefaultRunSeed})");
        var workers = Options.Workers();
        var shrink = Options.String("--shrink", "all", "all|N", "how many failures of a stream to shrink (the first found)",
            s => s == "all" || (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out _)) ? null : $"must be all or a whole number >= 0; got '{s}'.");
        var replay = Options.String("--replay", null, "CASE", "re-judge one case (as the report writes it) and print its verdict and margin; nothing is written");
        var merge = Options.Flag("--merge", "add the cases of the tasks' databases (DIR/tasks/*) to DIR's and write DIR's report");
        var tasks = Options.OptionalInt("--tasks", 1, 100_000, "run the hunt as T tasks, each with its own seed stream and a T-th of the budget, into DIR/tasks/task-I");
        var task = Options.OptionalInt("--task", 0, 99_999, $"with --tasks: this task's index (default: ${IndexVariable})");
        var slurm = Options.Flag("--slurm", "with --tasks: write DIR/hunt.sbatch, a Slurm job array of the T tasks, instead of hunting here");
        var submit = Options.Flag("--submit", "with --slurm: submit the script with sbatch");
        var partition = Options.String("--partition", null, "P", "with --slurm: the Slurm partition");
        var time = Options.String("--time", null, "T", "with --slurm: time limit per task, in Slurm's format (set it above the task's share of a time budget)");
        var cpus = Options.Int("--cpus-per-task", 1, 1, 1024, "with --slurm: cores per task (its workers)");
        var mem = Options.String("--mem", null, "M", "with --slurm: memory per task, in Slurm's format");
        var verify = Options.String("--verify", null, "CMD", "with --slurm: how a task starts verify (default: this program, as it was started)");
        var command = new Command("hunt", "search for counterexamples to a claim, steered toward where it came closest to failing; shrink each failure; resumable")
        {
            claim, reading, budget, db, seed, workers, shrink, replay, merge, tasks, task, slurm, submit, partition, time, cpus, mem, verify,
        };
        command.SetAction(r =>
        {
            var request = new Request(r.GetValue(claim), r.GetValue(reading), r.GetValue(budget), r.GetValue(db), r.GetValue(seed), r.GetValue(workers),
                r.GetValue(shrink) is "all" or null ? null : int.Parse(r.GetValue(shrink)!, CultureInfo.InvariantCulture), r.GetValue(tasks), r.GetValue(task));
            if (r.GetValue(replay) is { } c) return Replay(request, c, r.GetValue(merge), r.GetValue(slurm));
            if (r.GetValue(merge)) return Merge(request);
            if (r.GetValue(slurm))
                return Slurm(request, new SlurmScript.Settings(r.GetValue(partition), r.GetValue(time), r.GetValue(cpus), r.GetValue(mem), null, null, 1, false, r.GetValue(verify)), r.GetValue(submit));
            if (r.GetValue(submit)) throw new UsageException("--submit goes with --slurm.");
            return Hunt(request);
        });
        return command;
    }

    sealed record Request(string? Claim, string? Reading, string? Budget, string? Db, long? Seed, int Workers, int? ShrinkLimit, int? Tasks, int? Task);

    static string RequireClaim(Request r, string mode)
    {
        if (r.Claim is null) throw new UsageException($"{mode} needs a claim: verify hunt CLAIM ...; claims: {string.Join(", ", HuntTargets.Claims)}.");
        if (!HuntTargets.Claims.Contains(r.Claim)) throw new UsageException($"unknown claim '{r.Claim}'; claims that can be hunted: {string.Join(", ", HuntTargets.Claims)}.");
        return r.Claim;
    }

    static Reading ReadingOf(Request r, string claim)
    {
        var reading = r.Reading is null ? HuntTargets.DefaultReading(claim) : r.Reading == "paper" ? Reading.Paper : Reading.Hyperplane;
        if (claim == HuntTargets.DeepClaim && reading != Reading.Paper)
            throw new UsageException($"--reading: '{claim}' is judged under the paper's reading only; got {r.Reading}.");
        return reading;
    }

    static HuntTarget Target(string claim, Reading reading)
    {
        try { return HuntTargets.For(claim, reading); }
        catch (ArgumentException e) { throw new UsageException(Options.Message(e)); }
    }

    static string RequireDb(Request r, string mode) => r.Db ?? throw new UsageException($"{mode} needs --db DIR, the hunt's folder.");

    // ---- hunt ----

    static int Hunt(Request r)
    {
        var claim = RequireClaim(r, "a hunt");
        var reading = ReadingOf(r, claim);
        var budgetText = r.Budget ?? throw new UsageException("a hunt needs --budget: a time (10m, 90s, 2h) or a number of cases (200).");
        var budget = HuntBudget.Parse(budgetText);
        var dir = Path.GetFullPath(RequireDb(r, "a hunt"));
        if (r.Task is not null && r.Tasks is null) throw new UsageException("--task goes with --tasks T.");
        var target = Target(claim, reading);
        var (folder, slice, taskIndex) = r.Tasks is { } count ? Slice(dir, budget, count, r.Task) : (dir, budget, (int?)null);

        using var database = HuntDatabase.Open(folder);
        var seed = r.Seed ?? database.Identity?.Seed ?? TheoremCheckSettings.DefaultRunSeed;
        var hunt = new HuntIdentity(claim, reading, seed);
        database.Bind(hunt);
        if (database.Repaired is { } repaired) Console.Error.WriteLine($"verify: warning: {repaired}");
        var stream = taskIndex is { } i ? HuntStream.Task(seed, i) : HuntStream.Main(seed);
        var settings = new HuntSettings { Workers = r.Workers, ShrinkLimit = r.ShrinkLimit };
        var before = database.Records.Count(x => x.IsSearch && x.Stream == stream.Name);
        Console.Error.WriteLine($"hunt {hunt}, stream {stream.Name}: {before} cases so far; budget {slice}{(taskIndex is null ? "" : $" (task {taskIndex} of {r.Tasks}, a share of {budgetText})")}, {r.Workers} workers -> {folder}");

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // the second Ctrl-C ends the process; the database keeps every whole line
            e.Cancel = true;
            cancel.Cancel();
            Console.Error.WriteLine("hunt: interrupted; finishing the cases being judged and writing the report (Ctrl-C again to stop at once)");
        };
        Console.CancelKeyPress += onCtrlC;
        HuntRunReport report;
        try { report = HuntRunner.Run(target, stream, slice, database, settings, cancel.Token, record => Console.Error.WriteLine(Describe(record))); }
        finally { Console.CancelKeyPress -= onCtrlC; }

        var summary = WriteReport(folder, database, settings);
        Console.WriteLine(FormattableString.Invariant($"hunt {hunt}: this run judged {report.Searched} cases and {report.Shrunk} shrink candidates, stopped by {report.Stopped}; stream {stream.Name} holds {report.StreamCases} cases"));
        Console.WriteLine(Totals(summary));
        Console.WriteLine($"report: {Path.Combine(folder, HuntReport.MarkdownFile)}");
        if (taskIndex is not null) Console.WriteLine($"when every task is done: verify hunt --merge --db {dir}");
        return Cli.Exit.Ok;
    }

    /// <summary>Task I's folder and share of the budget; the index from --task or $SLURM_ARRAY_TASK_ID.</summary>
    static (string Folder, HuntBudget Budget, int? Task) Slice(string dir, HuntBudget budget, int tasks, int? task)
    {
        var index = task ?? IndexFromEnvironment();
        if (index >= tasks) throw new UsageException($"--task must lie in 0..{tasks - 1} (--tasks {tasks}); got {index}.");
        if (budget.Cases is { } n && n < tasks) throw new UsageException($"--budget {n} cases cannot be shared by {tasks} tasks; give at least one case per task.");
        return (HuntDatabase.TaskFolder(dir, index), budget.Slice(index, tasks), index);
    }

    static int IndexFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(IndexVariable);
        if (string.IsNullOrEmpty(value)) throw new UsageException($"--tasks needs this task's index: give --task I, or run as a task of a Slurm job array (${IndexVariable}).");
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < 0)
            throw new UsageException($"${IndexVariable} is '{value}', not a task index (a whole number >= 0).");
        return i;
    }

    static string Describe(HuntRecord r)
    {
        var margin = r.Margin is { } m ? m.ToString("0.####", CultureInfo.InvariantCulture) : "-";
        var what = r.IsSearch ? $"case {r.Stream}#{r.Index} ({r.Origin}{(r.Parent is { } p ? $" from #{p}" : "")})" : $"shrink of {r.Stream}#{r.Index}";
        return FormattableString.Invariant($"hunt: {what} {r.Case}: {r.Verdict.ToString().ToLowerInvariant()}{(r.Reason is null ? "" : $" [{Short(r.Reason)}]")}, margin {margin} ({r.Seconds:0.0} s)");
    }

    static string Short(string s) => s.Length <= 90 ? s : s[..87] + "...";

    static string Totals(HuntSummary s) => FormattableString.Invariant(
        $"{s.Tried} cases tried, {s.Conclusive} conclusive, {s.Fails} failing{(s.FailureRateUpper95 is { } b ? $", failure rate <= {b:0.####} (Clopper-Pearson 95%)" : "")}; {s.ShrinkCandidates} shrink candidates judged");

    static HuntSummary WriteReport(string folder, HuntDatabase database, HuntSettings settings)
    {
        var summary = HuntSummary.Of(database.Identity!, database.Records);
        HuntReport.Write(folder, summary, database.Records, settings);
        return summary;
    }

    // ---- replay ----

    static int Replay(Request r, string text, bool merge, bool slurm)
    {
        if (merge || slurm || r.Budget is not null || r.Tasks is not null)
            throw new UsageException("--replay re-judges one case: it goes with CLAIM and --reading only (not --budget, --merge, --tasks or --slurm).");
        var claim = RequireClaim(r, "--replay");
        var reading = ReadingOf(r, claim);
        var target = Target(claim, reading);
        HuntCase c;
        try { c = HuntCase.Parse(text); }
        catch (FormatException e) { throw new UsageException($"--replay: {e.Message}"); }
        HuntFamily family;
        try { family = target.Family(c.Family); }
        catch (ArgumentException e) { throw new UsageException($"--replay: {Options.Message(e)}"); }
        if (!target.Leaks.Contains(c.Problem.Leak))
            throw new UsageException($"--replay: {claim} is judged at leak {string.Join(" or ", target.Leaks.Select(l => l.ToString(CultureInfo.InvariantCulture)))}; the case has leak {c.Problem.Leak.ToString(CultureInfo.InvariantCulture)}.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var j = target.Judge(c.Problem, family);
        Console.WriteLine($"case {c}");
        Console.WriteLine(FormattableString.Invariant($"{claim} ({reading.ToString().ToLowerInvariant()} reading): {j.Verdict.ToString().ToLowerInvariant()}{(j.Reason is null ? "" : $" [{j.Reason}]")}, margin {(double.IsNaN(j.Margin) ? "-" : j.Margin.ToString("0.######", CultureInfo.InvariantCulture))} ({clock.Elapsed.TotalSeconds:0.0} s)"));
        Console.WriteLine(j.Evidence);
        return Cli.Exit.Ok;
    }

    // ---- merge ----

    static int Merge(Request r)
    {
        var dir = Path.GetFullPath(RequireDb(r, "--merge"));
        if (r.Budget is not null || r.Tasks is not null) throw new UsageException("--merge gathers the tasks' cases: it takes --db (and optionally CLAIM, --reading, --seed to check them), not --budget or --tasks.");
        if (!Directory.Exists(dir)) throw new IOException($"--db '{dir}' does not exist; nothing to merge.");
        using var database = HuntDatabase.Open(dir);
        var merged = database.Merge();
        if (database.Identity is not { } hunt) throw new InvalidDataException($"'{dir}' holds no hunt cases, and no task database under {Path.Combine(dir, HuntDatabase.TasksFolder)}; nothing to merge.");
        if (r.Claim is not null)
        {
            var claim = RequireClaim(r, "--merge");
            database.Bind(new HuntIdentity(claim, ReadingOf(r, claim), r.Seed ?? hunt.Seed));
        }
        foreach (var (name, added, present) in merged.Tasks) Console.WriteLine($"merged {name}: {added} cases added, {present} already present");
        var summary = WriteReport(dir, database, new HuntSettings { Workers = r.Workers, ShrinkLimit = r.ShrinkLimit });
        Console.WriteLine($"hunt {hunt}: {Totals(summary)}");
        Console.WriteLine($"report: {Path.Combine(dir, HuntReport.MarkdownFile)}");
        return Cli.Exit.Ok;
    }

    // ---- slurm ----

    static int Slurm(Request r, SlurmScript.Settings settings, bool submit)
    {
        var claim = RequireClaim(r, "--slurm");
        var reading = ReadingOf(r, claim);
        var tasks = r.Tasks ?? throw new UsageException("--slurm needs --tasks T, the number of tasks of the job array.");
        var budgetText = r.Budget ?? throw new UsageException("--slurm needs --budget, the whole hunt's (each task takes a share).");
        var budget = HuntBudget.Parse(budgetText);
        if (budget.Cases is { } n && n < tasks) throw new UsageException($"--budget {n} cases cannot be shared by {tasks} tasks; give at least one case per task.");
        if (r.Task is not null) throw new UsageException("--slurm writes every task; --task is for one task's run.");
        var dir = OutputFolder.Prepare(RequireDb(r, "--slurm"), "--db");
        var seed = r.Seed ?? TheoremCheckSettings.DefaultRunSeed;
        var share = budget.Slice(0, tasks);
        var script = SlurmScript.Compose("verify-hunt", $"`verify hunt --slurm`: {tasks} task(s) hunting {claim} ({reading.ToString().ToLowerInvariant()} reading, seed {seed}), each with {share} of {budgetText}, into {dir}/tasks.",
            "A task resumed or resubmitted continues its own stream; merge with `verify hunt --merge --db DIR` when the tasks are done.",
            $"0-{tasks - 1}", dir, settings,
            $"hunt {claim} --reading {reading.ToString().ToLowerInvariant()} --budget {budgetText} --db {SlurmScript.Quote(dir)} --seed {seed} --tasks {tasks} --workers \"${{SLURM_CPUS_PER_TASK:-1}}\"{(r.ShrinkLimit is { } k ? $" --shrink {k}" : "")}");
        var path = Path.Combine(dir, ScriptFile);
        SweepFiles.WriteAtomically(path, script, overwrite: true);
        Console.WriteLine($"wrote {path}: array 0-{tasks - 1}, {tasks} task(s), {share} each");
        if (!submit)
        {
            Console.WriteLine($"submit with: sbatch {SlurmScript.Quote(path)}");
            Console.WriteLine($"then, when every task is done: verify hunt --merge --db {dir}");
            return Cli.Exit.Ok;
        }
        var job = SlurmScript.Sbatch(path);
        Console.WriteLine($"submitted job {job}; follow it with: squeue -j {job}; when it is done: verify hunt --merge --db {dir}");
        return Cli.Exit.Ok;
    }
}
