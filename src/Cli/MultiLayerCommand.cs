using System.CommandLine;
using System.Globalization;
using Verify.Cli.Report;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Networks;

namespace Verify.Cli;

/// <summary>
/// `verify multi-layer`: the authors' multi-layer experiment as they ran it (recon_multilayer.py with
/// conf/config_multilayer.yaml), one run per training-set size and seed, writing DIR/runs.jsonl,
/// the figure DIR/multi_layer_authors.png and the verdict of <see cref="MultiLayerAuthorsClaim"/>.
/// Options are named after the yaml's keys; the defaults are the yaml's
/// (<see cref="AuthorsMultiLayerConfig.Authors"/>), declared once.
/// </summary>
static class MultiLayerCommand
{
    static AuthorsMultiLayerConfig Authors => AuthorsMultiLayerConfig.Authors;

    public static Command Create()
    {
        var d = Options.Int("--d", Authors.D, 1, 100_000, "data_d: input dimension");
        var ks = Options.IntList("--ks", Authors.Ks, 1, 100_000, "ks: teacher widths, lowest first, at least two layers");
        var multi = Options.Int("--node-multi", Authors.NodeMulti, 1, 1000, "node_multi: the student is this many times wider at every hidden layer (the yaml's value; the paper's text runs 2 and 5)");
        var dataStd = Options.Double("--data-std", Authors.DataStd, 0, 1e6, "data_std: inputs x ~ N(0, data_std^2 I)", exclusiveMin: true);
        var nTrain = Options.IntList("--n-train", [Authors.NTrain], 1, int.MaxValue,
            "random_dataset_size: training-set sizes N, one run per N and seed (the yaml's 2000000; the paper's figure runs 5000 to 2000000, e.g. 5000,20000,100000,500000,2000000)");
        var nEval = Options.Int("--n-eval", Authors.NEval, 2, 100_000_000, "evaluation-set size (dataset.py's 10240); the teacher is tuned on it, as the authors tune on their eval loader");
        var batch = Options.Int("--batch", Authors.Batch, 1, 100_000_000, "batchsize (at most the smallest --n-train)");
        var epochs = Options.Int("--epochs", Authors.Epochs, 1, 1_000_000, "num_epoch: an epoch is one shuffled pass over the training set, its last batch smaller when --batch does not divide N");
        var lr = Options.EpochRates("--lr", Authors.LearningRates, 1000,
            "lr: epoch:rate pairs from that epoch on, the first at epoch 0 (the yaml's {0:0.2,20:0.1}); rates of PyTorch's MSELoss (mean over samples and outputs), applied as rate x 2 / outputs to the suite's step, the same update");
        var seeds = Options.LongList("--seeds", [Authors.Seed], 0, int.MaxValue,
            "run seeds (comma list, ranges like 1-5); each seed draws its own teacher, data, student and batch order (the yaml: seed 1 and num_trial 10 students on one teacher)");
        var workers = Options.Workers();
        var device = Options.Device();
        var outDir = Options.String("--out", "report/multi-layer", "DIR", "folder for runs.jsonl and multi_layer_authors.png");
        var command = new Command("multi-layer",
            "the authors' multi-layer experiment as they ran it (recon_multilayer.py, config_multilayer.yaml; the defaults are the yaml's), one run per N and seed, writing DIR/runs.jsonl, the figure and the verdict")
        {
            d, ks, multi, dataStd, nTrain, nEval, batch, epochs, lr, seeds, workers, device, outDir,
        };
        command.SetAction(r =>
        {
            var sizes = r.GetValue(nTrain)!.Items;
            var b = r.GetValue(batch);
            if (b > sizes.Min()) throw new UsageException($"--batch must lie in 1..{sizes.Min()} (the smallest --n-train); got {b}.");
            var widths = r.GetValue(ks)!.Items;
            if (widths.Count < 2) throw new UsageException($"--ks needs at least two hidden layers (a multi-layer teacher); got {r.GetValue(ks)}.");
            try { new AuthorsTeacherSpec(r.GetValue(d), widths, Authors.Outputs).Validate(); }
            catch (ArgumentException e) { throw new UsageException($"--ks: {Options.Message(e)} (with --d {r.GetValue(d)})"); }
            var sweep = new AuthorsMultiLayerSweep(Authors with
            {
                D = r.GetValue(d), Ks = widths, NodeMulti = r.GetValue(multi), DataStd = r.GetValue(dataStd), NEval = r.GetValue(nEval),
                Batch = b, Epochs = r.GetValue(epochs), LearningRates = r.GetValue(lr)!.Items,
            }, sizes.Distinct().Order().ToArray(), r.GetValue(seeds)!.Items.Distinct().ToArray());
            if (r.GetValue(device) is { } name) Verify.Model.Runtime.TorchRuntime.UseDevice(name);
            return Run(sweep, r.GetValue(workers), OutputFolder.Prepare(r.GetValue(outDir)!, "--out"));
        });
        return command;
    }

    static int Run(AuthorsMultiLayerSweep sweep, int workers, string outDir)
    {
        var configs = sweep.Configs();
        var path = Path.Combine(outDir, "runs.jsonl");
        Console.Error.WriteLine($"multi-layer: {configs.Count} runs ({sweep.Sizes.Count} sizes x {sweep.Seeds.Count} seeds) on {workers} workers -> {path}");
        var runs = Train(configs, workers, "multi-layer runs");
        RunsJsonl.Write(path, runs.Select(r => RunsJsonl.Record(r)));
        foreach (var run in runs)
            Console.WriteLine(Invariant($"seed {run.Config.Seed,-4} N {run.Config.NTrain,-9} {MultiLayerAuthorsClaim.Classify(run).ToString().ToLowerInvariant(),-10} ") +
                              "layers " + string.Join(" ", run.MeanBestCorrelation.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture))) +
                              Invariant($"  train loss {run.InitialTrainLoss:G3} -> {run.TrainLoss:G3}  eval loss {run.EvalLoss:G3}  {run.Seconds:F1} s"));
        var outcome = MultiLayerAuthorsClaim.Judge(runs);
        var figure = Figures.MultiLayerAgainstN(outDir, Drawn(runs, outcome), FigureCaption(sweep, outcome));
        Console.WriteLine($"wrote {runs.Length} runs to {path} and the figure {Path.Combine(outDir, figure)}");
        Console.WriteLine($"  {outcome.Verdict.ToString().ToLowerInvariant()}{(outcome.Reason is null ? "" : $" ({outcome.Reason})")} {outcome.Claim.Id}: {outcome.Evidence}");
        return 0;
    }

    /// <summary>Trains <paramref name="configs"/> on <paramref name="workers"/> cores with a progress bar counted in epochs; diverged and stalled runs are named on stderr.</summary>
    internal static AuthorsMultiLayerRun[] Train(IReadOnlyList<AuthorsMultiLayerConfig> configs, int workers, string label)
    {
        var progress = new Progress($"{label} ({configs.Count} runs)");
        var total = configs.Sum(c => c.Epochs);
        var done = 0;
        var runs = Verify.Model.Training.TrialRunner.RunAll(configs, c => AuthorsMultiLayer.Run(c, () => progress.Report(Interlocked.Increment(ref done), total)), workers);
        progress.Report(total, total);
        foreach (var run in runs)
            if (MultiLayerAuthorsClaim.Classify(run) is var state && state != AuthorsRunState.Completed)
                Console.Error.WriteLine(state == AuthorsRunState.Diverged
                    ? Invariant($"verify: warning: run diverged at step {run.DivergedAtStep} (last finite loss {run.LastFiniteLoss:G6}): {run.Config}; its seed is inconclusive.")
                    : Invariant($"verify: warning: run stalled (training MSE {run.InitialTrainLoss:G4} -> {run.TrainLoss:G4}, above {MultiLayerAuthorsClaim.StallFraction} of it): {run.Config}; its seed is inconclusive."));
        return runs;
    }

    /// <summary>The runs the figure draws: those of the seeds the verdict judged, or, with none, every run that did not diverge.</summary>
    internal static AuthorsMultiLayerRun[] Drawn(IReadOnlyList<AuthorsMultiLayerRun> runs, ClaimOutcome<MultiLayerAuthorsNumbers> outcome) =>
        outcome.Numbers.ConclusiveSeeds.Count > 0
            ? runs.Where(r => outcome.Numbers.ConclusiveSeeds.Contains(r.Config.Seed)).ToArray()
            : runs.Where(r => !r.Diverged).ToArray();

    internal static string FigureCaption(AuthorsMultiLayerSweep sweep, ClaimOutcome<MultiLayerAuthorsNumbers> outcome) =>
        $"ks [{string.Join(",", sweep.Base.Ks)}], node_multi {sweep.Base.NodeMulti}, {sweep.Base.Epochs} epochs; " +
        (outcome.Numbers.ConclusiveSeeds.Count > 0 ? $"{outcome.Numbers.ConclusiveSeeds.Count} conclusive seeds" : "no conclusive seed") + "; band: min to max";

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
