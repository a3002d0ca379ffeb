using System.Diagnostics;
using Verify.Cli.Report;
using Verify.Model.Claims;
using Verify.Model.Experiments;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Cli;

/// <summary>
/// `verify reproduce`: every experiment of the paper at the embedded default size (or --scale paper),
/// writing report.md (one row per claim, figures inline), claims.json (one object per claim), the PNG
/// figures and runs.jsonl to --out. --seed sets the run seed the theorem checks draw their cases
/// from (default <see cref="TheoremCheckSettings.DefaultRunSeed"/>, so two runs of the README's command agree).
/// </summary>
static class ReproduceCommand
{
    static readonly string[] Experiments = ["theorems", "two-layer", "leaky", "sample-size", "multi-layer", "cifar10"];

    public static int Run(CommandLine line)
    {
        var scaleName = line.String("--scale", "default");
        var outDir = line.String("--out", "report");
        var cifar = line.String("--cifar10");
        var workers = line.Int("--workers", TrialRunner.DefaultWorkers, 1, 1024);
        var only = line.String("--only")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? Experiments;
        var device = line.String("--device");
        var seedText = line.String("--seed");
        line.RejectUnknown();
        long runSeed = TheoremCheckSettings.DefaultRunSeed;
        if (seedText is not null && !long.TryParse(seedText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out runSeed))
            throw new UsageException($"--seed must be a whole number; got '{seedText}'.");
        if (device is not null) Verify.Model.Runtime.TorchRuntime.UseDevice(device);
        OutputFolder.Prepare(outDir, "--out");
        ExperimentScale scale;
        try { scale = ExperimentScale.Parse(scaleName); }
        catch (ArgumentException e) { throw new UsageException($"--scale: {e.Message}"); }
        foreach (var o in only)
            if (!Experiments.Contains(o)) throw new UsageException($"--only: unknown experiment '{o}'; experiments: {string.Join(", ", Experiments)}.");
        if (cifar is not null && !Directory.Exists(cifar))
            throw new UsageException($"--cifar10: folder '{cifar}' does not exist; pass the folder that holds data_batch_1.bin .. data_batch_5.bin and test_batch.bin.");
        Directory.CreateDirectory(outDir);

        var clock = Stopwatch.StartNew();
        var report = new MarkdownReport(scale, workers, runSeed);
        var records = new List<Dictionary<string, object?>>();

        if (only.Contains("theorems"))
        {
            var settings = new TheoremCheckSettings();
            var result = TheoremChecks.Run(runSeed, settings, workers, new Progress("theorem checks (small problems)").Report);
            report.Section("Theorems on small problems",
                $"Two-layer cases drawn from run seed {runSeed} per activation (ReLU and leaky ReLU 0.1), until each claim has {settings.MinConclusive} conclusive ones " +
                $"(at most {settings.MaxCases}): d 3-6, m 2-3, multi 2, 5 outputs, N 200 Gaussian points, " +
                $"full-batch gradient descent (lr 0.1, at most {settings.Budget.Epochs * settings.Budget.ItersPerEpoch} steps) until max_x ||g_1(x)|| <= {settings.GradientTarget}; " +
                "a case that does not get there, or misses a hypothesis, is inconclusive, with the reason. With n conclusive cases and no failure the table gives the " +
                "Clopper-Pearson 95% upper bound on the failure rate. Three-layer cases are a sample, reported as a pass rate. docs/theorems has a page per claim; " +
                "tests/Properties judges the same claims with the same judges on fresh cases, with negative controls.",
                null, [.. result.Outcomes]);
        }
        if (only.Contains("two-layer"))
        {
            var lshape = Sweep("L-shape / convergence sweep", scale.LShape.Configs(), workers);
            records.AddRange(lshape.Select(r => RunsJsonl.Record(r, "lshape")));
            var success = ReferenceEquals(scale.Success, scale.LShape) ? lshape : Sweep("success-rate sweep", scale.Success.Configs(), workers);
            if (!ReferenceEquals(success, lshape)) records.AddRange(success.Select(r => RunsJsonl.Record(r, "success-rate")));

            var claims = SweepClaims.TwoLayer(lshape, success);
            var criteria = VanishingCriteria.AtPaperBudget;
            report.Section("Two-layer: L-shape", $"Sweep: {scale.LShape}. In the figure the dashed line is tau = {criteria.Tau}, the dotted line the " +
                $"\"near-zero fan-out\" bound, {criteria.FanOut} x the teacher's largest fan-out norm; a node right of the dashed line or below the dotted one fits the L-shape.",
                Figures.LShapeScatter(outDir, lshape), claims.Where(c => c.Claim == VanishingClaim.LShape).ToArray());
            report.Section("Two-layer: success rate", $"Sweep: {scale.Success}.", Figures.SuccessRate(outDir, success),
                claims.Where(c => c.Claim == StrongTeachersFirstClaim.Info || c.Claim == OverRealizationClaim.Info || c.Claim == KeepsWhatItFoundClaim.Info).ToArray());
            report.Section("Two-layer: convergence", $"Sweep: {scale.LShape}.", Figures.Convergence(outDir, lshape), claims.Where(c => c.Claim == ConvergenceClaim.Info).ToArray());
        }
        if (only.Contains("leaky"))
        {
            var leaky = Sweep("leaky-ReLU sweep", scale.Leaky.Configs(), workers);
            records.AddRange(leaky.Select(r => RunsJsonl.Record(r, "leaky")));
            report.Section("Two-layer, leaky ReLU", $"Sweep: {scale.Leaky}.", Figures.LShapeScatter(outDir, leaky, "lshape_leaky.png", "leaky"), SweepClaims.Leaky(leaky));
        }
        if (only.Contains("sample-size"))
        {
            var runs = Sweep("sample-size sweep", scale.SampleSize.Configs(), workers);
            records.AddRange(runs.Select(r => RunsJsonl.Record(r, "sample-size")));
            report.Section("Teacher-aware vs Gaussian data", $"Sweep: {scale.SampleSize}; coverage measured on {scale.SampleSize.Base.NEval} Gaussian eval points.",
                Figures.SampleSize(outDir, runs), TeacherAwareDataClaim.Judge(runs));
            var scaling = scale.Name == "paper" ? SampleScalingSettings.Grid : SampleScalingSettings.Corner;
            var points = SampleScaling.Grid(scaling, runSeed, workers: workers, onProgress: new Progress("sample-complexity ladders").Report);
            var judged = SampleSizeClaim.Judge(points, scaling);
            report.Section("Sample complexity as a scaling law", $"N*(K, d): the smallest teacher-aware training set on a ladder of whole triplets at which every teacher node is " +
                $"specialized, trained to the bound's gradient level; {scaling}; run seed {runSeed}. The figure shows N* per seed (censored ladders at their top, open marks) and the fitted lines.",
                Figures.SampleScaling(outDir, points, judged), judged);
        }
        if (only.Contains("multi-layer"))
        {
            var progress = new Progress("multi-layer runs");
            var runs = TrialRunner.RunAll(scale.MultiLayer, MultiLayer.Run, workers, progress.Report);
            records.AddRange(runs.Select(MultiLayerRecord));
            report.Section("Multi-layer", $"Runs: {scale.MultiLayer[0]} (seeds {string.Join(",", scale.MultiLayer.Select(c => c.Seed))}).",
                Figures.MultiLayer(outDir, runs), MultiLayerClaim.Judge(runs));
        }
        if (only.Contains("cifar10"))
        {
            if (cifar is null)
                report.Skipped("CIFAR-10 inputs", ImagesOverRealizationClaim.Info, "skipped: no CIFAR-10 data was given. Download the binary version (cifar-10-binary.tar.gz from " +
                    "https://www.cs.toronto.edu/~kriz/cifar.html), unpack it, and run `verify reproduce --cifar10 DIR/cifar-10-batches-bin`.");
            else
            {
                var sweep = Cifar10Experiment.Sweep(scale);
                var (runs, source) = Cifar10Experiment.Run(cifar, sweep, workers, new Progress("CIFAR-10 runs").Report);
                records.AddRange(runs.Select(r => RunsJsonl.Record(r, "cifar10")));
                report.Section("CIFAR-10 inputs", $"Sweep: {sweep}; inputs: {source}.", Figures.LShapeScatter(outDir, runs, "lshape_cifar10.png", "CIFAR-10"),
                    ImagesOverRealizationClaim.Judge(runs, source));
            }
        }

        RunsJsonl.Write(Path.Combine(outDir, "runs.jsonl"), records);
        var path = Path.Combine(outDir, "report.md");
        report.Write(path, clock.Elapsed);
        var claimsPath = Path.Combine(outDir, "claims.json");
        ClaimsJson.Write(claimsPath, report.Outcomes, runSeed);
        Console.WriteLine($"wrote {path}, {claimsPath}, {records.Count} runs to {Path.Combine(outDir, "runs.jsonl")} ({clock.Elapsed.TotalMinutes:0.0} min)");
        foreach (var outcome in report.Outcomes) Console.WriteLine($"  {outcome.Verdict.ToString().ToLowerInvariant(),-12} {outcome.Claim.Id}");
        return 0;
    }

    static TwoLayerRun[] Sweep(string label, IReadOnlyList<TwoLayerConfig> configs, int workers) =>
        Divergence.Warn(TwoLayerExperiment.RunAll(configs, workers, new Progress($"{label} ({configs.Count} runs)").Report));

    static Dictionary<string, object?> MultiLayerRecord(MultiLayerRun run) => new()
    {
        ["experiment"] = "multi-layer",
        ["seed"] = run.Config.Seed,
        ["d"] = run.Config.D,
        ["teacher_widths"] = run.Config.Widths,
        ["multi"] = run.Config.Multi,
        ["outputs"] = run.Config.Outputs,
        ["epochs"] = run.Config.Epochs,
        ["iters_per_epoch"] = run.Config.ItersPerEpoch,
        ["batch"] = run.Config.Batch,
        ["lr"] = run.Config.LearningRate,
        ["n_train"] = run.Config.NTrain,
        ["n_eval"] = run.Config.NEval,
        ["outcome"] = run.Outcome.ToString(),
        ["train_loss"] = run.TrainLoss,
        ["mean_best_corr_per_layer"] = run.MeanBestCorrelation,
        ["seconds"] = run.Seconds,
    };
}
