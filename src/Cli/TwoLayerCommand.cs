using System.Globalization;
using Verify.Cli.Report;
using Verify.Model.Experiments;
using Verify.Model.Networks;

namespace Verify.Cli;

/// <summary>
/// `verify two-layer`: one two-layer sweep with the paper's knobs (defaults are the paper's),
/// writing DIR/runs.jsonl with one object per training run.
/// </summary>
static class TwoLayerCommand
{
    public const string Usage =
        "--d 100 --m 10 --multi 1,2,5,10 --decay 0,1,2 --seeds 1-5 --epochs 100 --iters-per-epoch 1000 " +
        "--batch 16 --lr 0.01 --n-train 10000 --n-eval 10000 --outputs 50 --activation relu --workers N --device cpu|cuda --out DIR";

    public static int Run(CommandLine line)
    {
        var d = line.Int("--d", 100, 1, 100_000);
        var m = line.Int("--m", 10, 1, 10_000);
        var multis = line.IntList("--multi", [1, 2, 5, 10], 1, 1000);
        var decays = line.DoubleList("--decay", [0, 1, 2], 0, 10);
        var seeds = line.IntList("--seeds", [1, 2, 3, 4, 5], 0, int.MaxValue);
        var epochs = line.Int("--epochs", 100, 1, 1_000_000);
        var iters = line.Int("--iters-per-epoch", 1000, 1, 100_000_000);
        var nTrain = line.Int("--n-train", 10_000, 2, 100_000_000);
        var batch = line.Int("--batch", 16, 1, nTrain);
        var lr = line.Double("--lr", 0.01, 0, 1000, exclusiveMin: true);
        var nEval = line.Int("--n-eval", 10_000, 2, 100_000_000);
        var outputs = line.Int("--outputs", 50, 1, 100_000);
        var activation = ParseActivation(line.String("--activation", "relu"));
        var workers = line.Int("--workers", Model.Training.TrialRunner.DefaultWorkers, 1, 1024);
        var outDir = line.String("--out", "report/two-layer");
        var device = line.String("--device");
        line.RejectUnknown();
        if (device is not null) Verify.Model.Runtime.TorchRuntime.UseDevice(device);
        OutputFolder.Prepare(outDir, "--out");

        var configs = (from p in decays
                       from seed in seeds
                       from multi in multis
                       select new TwoLayerConfig
                       {
                           D = d, M = m, Multi = multi, Decay = p, Outputs = outputs, Epochs = epochs, ItersPerEpoch = iters,
                           Batch = batch, LearningRate = lr, NTrain = nTrain, NEval = nEval, Seed = seed, Activation = activation,
                       }).ToArray();
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, "runs.jsonl");
        Console.Error.WriteLine($"two-layer: {configs.Length} runs (multi {string.Join(",", multis)} x decay {string.Join(",", decays.Select(Invariant))} x {seeds.Length} seeds) on {workers} workers -> {path}");
        var progress = new Progress("two-layer");
        var runs = Divergence.Warn(TwoLayerExperiment.RunAll(configs, workers, progress.Report));
        RunsJsonl.Write(path, runs.Select(r => RunsJsonl.Record(r, "two-layer")));

        foreach (var group in runs.GroupBy(r => (r.Config.Decay, r.Config.Multi)))
        {
            var covered = group.Average(r => r.CoveredAtEnd.Count(c => c) / (double)r.Config.M);
            Console.WriteLine(Invariant($"p {group.Key.Decay,-4} multi {group.Key.Multi,-3} eval loss {group.Average(r => r.EvalLoss):E3}  coverage@{configs[0].Tau} {covered:P0}  ({group.Count()} seeds)"));
        }
        Console.WriteLine($"wrote {runs.Length} runs to {path}");
        Console.WriteLine("claims on this sweep:");
        foreach (var outcome in Verify.Model.Claims.SweepClaims.TwoLayer(runs, runs))
            Console.WriteLine($"  {outcome.Verdict.ToString().ToLowerInvariant(),-12} {outcome.Claim.Id}: {outcome.Evidence}");
        return 0;
    }

    internal static Activation ParseActivation(string text)
    {
        try { return Activation.Parse(text); }
        catch (ArgumentException e) { throw new UsageException($"--activation: {e.Message}"); }
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    static string Invariant(double v) => v.ToString(CultureInfo.InvariantCulture);
}
