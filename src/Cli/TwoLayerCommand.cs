using System.CommandLine;
using System.Globalization;
using Verify.Cli.Report;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.Model.Sweeps;

namespace Verify.Cli;

/// <summary>
/// The knobs of a two-layer sweep, declared once for `verify two-layer` and `verify sweep plan
/// two-layer`. Every default is the library's: the paper's L-shape sweep
/// (<see cref="ExperimentScale.Paper"/>, <see cref="TwoLayerConfig.Paper"/>).
/// </summary>
sealed class TwoLayerOptions
{
    static TwoLayerSweep Paper => ExperimentScale.Paper.LShape;

    readonly Option<int> d = Options.Int("--d", Paper.Base.D, 1, 100_000, "input dimension d");
    readonly Option<int> m = Options.Int("--m", Paper.Base.M, 1, 10_000, "teacher width m");
    readonly Option<ValueList<int>> multis = Options.IntList("--multi", Paper.Multis, 1, 1000, "over-realization factors: student width n = m x multi");
    readonly Option<ValueList<double>> decays = Options.DoubleList("--decay", Paper.Decays, 0, 10, "teacher fan-out decay p (teacher j has fan-out norm ~ j^-p)");
    readonly Option<ValueList<long>> seeds = Options.LongList("--seeds", Paper.Seeds, 0, int.MaxValue, "run seeds (comma list, ranges like 1-5)");
    readonly Option<int?> seedCount = Options.OptionalInt("--seed-count", 1, 100_000, "instead of --seeds: K run seeds drawn by name from --sweep-seed (Seeds.Of(S, \"sweep-run\", k), k = 0..K-1)");
    readonly Option<int> sweepSeed = Options.Int("--sweep-seed", 1, 0, int.MaxValue, "the seed --seed-count draws the run seeds from");
    readonly Option<int> epochs = Options.Int("--epochs", Paper.Base.Epochs, 1, 1_000_000, "epochs");
    readonly Option<int> iters = Options.Int("--iters-per-epoch", Paper.Base.ItersPerEpoch, 1, 100_000_000, "SGD steps per epoch");
    readonly Option<int> batch = Options.Int("--batch", Paper.Base.Batch, 1, 100_000_000, "minibatch size (at most --n-train)");
    readonly Option<double> lr = Options.Double("--lr", Paper.Base.LearningRate, 0, 1000, "learning rate", exclusiveMin: true);
    readonly Option<int> nTrain = Options.Int("--n-train", Paper.Base.NTrain, 2, 100_000_000, "training-set size");
    readonly Option<int> nEval = Options.Int("--n-eval", Paper.Base.NEval, 2, 100_000_000, "evaluation-set size");
    readonly Option<int> outputs = Options.Int("--outputs", Paper.Base.Outputs, 1, 100_000, "output dimension of teacher and student");
    readonly Option<string> activation = Options.String("--activation", Paper.Base.Activation.ToString(), "relu|leaky|leaky:C|linear",
        "activation of teacher and student", text =>
        {
            try { Activation.Parse(text); return null; }
            catch (ArgumentException e) { return Options.Message(e); }
        });

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { d, m, multis, decays, seeds, seedCount, sweepSeed, epochs, iters, batch, lr, nTrain, nEval, outputs, activation }) command.Add(o);
    }

    /// <summary>The sweep the options describe: every decay x seed x multi on one base configuration.</summary>
    public TwoLayerSweep Sweep(ParseResult r)
    {
        var (b, n) = (r.GetValue(batch), r.GetValue(nTrain));
        if (b > n) throw new UsageException($"--batch must lie in 1..{n} (--n-train); got {b}.");
        var count = r.GetValue(seedCount);
        if (count is not null && r.GetResult(seeds) is { Implicit: false })
            throw new UsageException("--seeds and --seed-count exclude each other: give the seeds, or how many to draw.");
        IReadOnlyList<long> runSeeds = count is { } k ? SweepSeeds.Draw(r.GetValue(sweepSeed), k) : r.GetValue(seeds)!.Items;
        return new(
        Paper.Base with
        {
            D = r.GetValue(d), M = r.GetValue(m), Outputs = r.GetValue(outputs), Epochs = r.GetValue(epochs), ItersPerEpoch = r.GetValue(iters),
            Batch = r.GetValue(batch), LearningRate = r.GetValue(lr), NTrain = r.GetValue(nTrain), NEval = r.GetValue(nEval),
            Activation = Activation.Parse(r.GetValue(activation)!),
        },
        r.GetValue(multis)!.Items, r.GetValue(decays)!.Items, runSeeds);
    }
}

/// <summary>
/// `verify two-layer`: one two-layer sweep with the paper's knobs (defaults are the paper's),
/// writing DIR/runs.jsonl with one object per training run.
/// </summary>
static class TwoLayerCommand
{
    public static Command Create()
    {
        var knobs = new TwoLayerOptions();
        var workers = Options.Workers();
        var device = Options.Device();
        var outDir = Options.String("--out", "report/two-layer", "DIR", "folder for runs.jsonl");
        var command = new Command("two-layer", "one two-layer sweep with the paper's knobs (the defaults are the paper's), writing DIR/runs.jsonl");
        knobs.AddTo(command);
        command.Add(workers);
        command.Add(device);
        command.Add(outDir);
        command.SetAction(r => Run(knobs.Sweep(r), r.GetValue(workers), r.GetValue(device), r.GetValue(outDir)!));
        return command;
    }

    static int Run(TwoLayerSweep sweep, int workers, string? device, string outDir)
    {
        if (device is not null) Verify.Model.Runtime.TorchRuntime.UseDevice(device);
        OutputFolder.Prepare(outDir, "--out");

        var configs = sweep.Configs();
        var path = Path.Combine(outDir, "runs.jsonl");
        Console.Error.WriteLine($"two-layer: {configs.Count} runs (multi {string.Join(",", sweep.Multis)} x decay {string.Join(",", sweep.Decays.Select(Invariant))} x {sweep.Seeds.Count} seeds) on {workers} workers -> {path}");
        var progress = new Progress("two-layer");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var runs = Divergence.Warn(TwoLayerExperiment.RunAll(configs, workers, progress.Report));
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Console.WriteLine(Invariant($"trained and evaluated {runs.Length} runs in {clock.Elapsed.TotalSeconds:F1} s wall, {cpu.TotalSeconds:F1} s CPU, on {workers} workers (load average {LoadAverage()})"));
        using (Verify.Model.Training.Phases.Time("write-runs-jsonl"))
            RunsJsonl.Write(path, runs.Select(r => RunsJsonl.Record(r, "two-layer")));

        foreach (var group in runs.GroupBy(r => (r.Config.Decay, r.Config.Multi)))
        {
            var covered = group.Average(r => r.CoveredAtEnd.Count(c => c) / (double)r.Config.M);
            Console.WriteLine(Invariant($"p {group.Key.Decay,-4} multi {group.Key.Multi,-3} eval loss {group.Average(r => r.EvalLoss):E3}  coverage@{configs[0].Tau} {covered:P0}  ({group.Count()} seeds)"));
        }
        Console.WriteLine($"wrote {runs.Length} runs to {path}");
        Console.WriteLine("claims on this sweep:");
        using (Verify.Model.Training.Phases.Time("claims"))
            foreach (var outcome in Verify.Model.Claims.SweepClaims.TwoLayer(runs, runs, Verify.Model.Protocols.TheoremCheckSettings.DefaultRunSeed))
                Console.WriteLine($"  {outcome.Verdict.ToString().ToLowerInvariant(),-12} {outcome.Claim.Id}: {outcome.Evidence}");
        if (Verify.Model.Training.Phases.Enabled)
            Console.Error.WriteLine("profile (VERIFY_PROFILE=1):" + Environment.NewLine + Verify.Model.Training.Phases.Report());
        return 0;
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>The 1, 5 and 15-minute load averages (Linux), or "n/a": timings on a shared machine are read with it.</summary>
    static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "n/a"; }
    }
    static string Invariant(double v) => v.ToString(CultureInfo.InvariantCulture);
}
