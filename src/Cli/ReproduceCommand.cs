using System.CommandLine;
using System.Diagnostics;
using Verify.Cli.Report;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Protocols;
using Verify.Model.Runtime;
using Verify.Model.Sweeps;
using Verify.Model.Training;

namespace Verify.Cli;

/// <summary>
/// `verify reproduce`: every experiment of the paper at the embedded default size (or --scale paper),
/// writing report.md (one line per claim, figures inline), claims.json (one object per claim), the PNG and SVG
/// figures and runs.jsonl to --out. --seed sets the run seed the theorem checks draw their cases
/// from (default <see cref="TheoremCheckSettings.DefaultRunSeed"/>, so two runs of the README's command agree).
/// </summary>
static class ReproduceCommand
{
    /// <summary>The experiments of `--only`, in report order.</summary>
    internal static readonly string[] Experiments = ["theorems", "two-layer", "leaky", "sample-size", "multi-layer", "cifar10"];

    /// <summary>What one reproduction computes and where it writes.</summary>
    internal sealed record Request(ExperimentScale Scale, string OutDir, IReadOnlyList<string> Only, string? Cifar, int Workers, long RunSeed);

    /// <summary>Where the two-layer runs come from: trained now (<see cref="Train"/>) or collected from a sweep. Runs come back in config order.</summary>
    internal delegate TwoLayerRun[] RunSource(string label, IReadOnlyList<TwoLayerConfig> configs);

    public static Command Create()
    {
        var scale = Options.String("--scale", ExperimentScale.Default.Name, "default|paper",
            "default: the embedded size (minutes on a laptop); paper: the paper's sizes (hours of CPU)", name =>
            {
                try { ExperimentScale.Parse(name); return null; }
                catch (ArgumentException e) { return Options.Message(e); }
            });
        var outDir = Options.String("--out", "report", "DIR", "folder for report.md, the figures and runs.jsonl");
        var cifar = Options.String("--cifar10", null, "DIR", "add the CIFAR-10 experiment: DIR holds data_batch_1.bin .. data_batch_5.bin and test_batch.bin",
            dir => Directory.Exists(dir) ? null : $"folder '{dir}' does not exist; pass the folder that holds data_batch_1.bin .. data_batch_5.bin and test_batch.bin.");
        var only = Options.String("--only", string.Join(",", Experiments), "LIST", "the experiments to run, a comma list", list =>
            Split(list).FirstOrDefault(o => !Experiments.Contains(o)) is { } unknown
                ? $"unknown experiment '{unknown}'; experiments: {string.Join(", ", Experiments)}."
                : null);
        var workers = Options.Workers();
        var device = Options.Device();
        var seed = Options.Long("--seed", TheoremCheckSettings.DefaultRunSeed, 0, long.MaxValue, "the run seed the theorem checks draw their cases from (the default is fixed, so two runs agree)");
        var command = new Command("reproduce", "run the theorem checks and every experiment of the paper, write report.md, claims.json, figures and runs.jsonl")
        {
            scale, outDir, cifar, only, workers, device, seed,
        };
        command.SetAction(r =>
        {
            if (r.GetValue(device) is { } d) Verify.Model.Runtime.TorchRuntime.UseDevice(d);
            var folder = OutputFolder.Prepare(r.GetValue(outDir)!, "--out");
            return Reproduce(new Request(ExperimentScale.Parse(r.GetValue(scale)!), folder, Split(r.GetValue(only)!), r.GetValue(cifar), r.GetValue(workers), r.GetValue(seed)), Train(r.GetValue(workers)));
        });
        return command;
    }

    static string[] Split(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Runs trained now, on <paramref name="workers"/> cores, with a progress bar; diverged runs named on stderr.</summary>
    internal static RunSource Train(int workers) => (label, configs) => Sweep(label, configs, workers);

    /// <summary>
    /// Everything `reproduce` writes to <see cref="Request.OutDir"/>: report.md, claims.json, the
    /// figures and runs.jsonl. The one entry point for the report: `sweep collect` calls it with the runs of a sweep.
    /// </summary>
    internal static int Reproduce(Request request, RunSource twoLayerRuns)
    {
        var (scale, outDir, only, cifar, workers, runSeed) = (request.Scale, request.OutDir, request.Only, request.Cifar, request.Workers, request.RunSeed);
        var clock = Stopwatch.StartNew();
        var report = new MarkdownReport(scale, workers, runSeed);
        var records = new List<IRunsJsonlLine>();
        var tables = new OutputTables();

        if (only.Contains("theorems"))
        {
            var settings = new TheoremCheckSettings();
            var result = TheoremChecks.Run(runSeed, settings, workers, new Progress("theorem checks (small problems)").Report);
            report.Section("Theorems on small problems",
                settings.Describe(runSeed) + " docs/theorems has a page per claim; tests/Properties judges the same claims with the same judges on fresh cases, with negative controls.\n\n"
                + MarkdownReport.ReadingsTable(result),
                null, [.. result.Outcomes]);
        }
        if (only.Contains("two-layer"))
        {
            var lshape = twoLayerRuns("L-shape / convergence sweep", scale.LShape.Configs());
            Record(records, tables, lshape, "lshape");
            var success = ReferenceEquals(scale.Success, scale.LShape) ? lshape : twoLayerRuns("success-rate sweep", scale.Success.Configs());
            if (!ReferenceEquals(success, lshape)) Record(records, tables, success, "success-rate");

            var claims = SweepClaims.TwoLayer(lshape, success, runSeed);
            var criteria = VanishingCriteria.AtPaperBudget;
            report.Section("Two-layer: L-shape", $"Sweep: {scale.LShape}. In the figure the dashed line is tau = {criteria.Tau}, the dotted line the " +
                $"\"near-zero fan-out\" levels: a node's level is {criteria.FanOut} x the fan-out norm of the teacher it matches best, between {criteria.FanOut} x the weakest teacher's (lower dotted line) and {criteria.FanOut} x the strongest's (upper); a node right of the dashed line or below its own level fits the L-shape.",
                Figures.LShapeScatter(outDir, lshape), claims.Where(c => c.Claim == VanishingClaim.LShape).ToArray());
            report.Section("Two-layer: success rate", $"Sweep: {scale.Success}.", Figures.SuccessRate(outDir, success),
                claims.Where(c => c.Claim == StrongTeachersFirstClaim.Info || c.Claim == StrongTeachersFirstByGradientClaim.Info || c.Claim == OverRealizationClaim.Info || c.Claim == KeepsWhatItFoundClaim.Info).ToArray());
            report.Reported("Two-layer: convergence", $"Sweep: {scale.LShape}. Reported, not judged: the paper claims more teachers specialized in fewer iterations (`over-realization-helps`), not a lower final loss at a fixed budget.",
                Figures.Convergence(outDir, lshape), MarkdownReport.FinalLossTable(Convergence.FinalLoss(lshape)));
        }
        if (only.Contains("leaky"))
        {
            var leaky = twoLayerRuns("leaky-ReLU sweep", scale.Leaky.Configs());
            Record(records, tables, leaky, "leaky");
            report.Section("Two-layer, leaky ReLU", $"Sweep: {scale.Leaky}.", Figures.LShapeScatter(outDir, leaky, "lshape_leaky.png", "leaky"), SweepClaims.Leaky(leaky));
        }
        if (only.Contains("sample-size"))
        {
            var runs = twoLayerRuns("sample-size sweep", scale.SampleSize.Configs());
            Record(records, tables, runs, "sample-size");
            report.Section("Teacher-aware vs Gaussian data", $"Sweep: {scale.SampleSize}; coverage measured on {scale.SampleSize.Base.NEval} Gaussian eval points.",
                Figures.SampleSize(outDir, runs), TeacherAwareDataClaim.Judge(runs));
            var scaling = scale.Name == "paper" ? SampleScalingSettings.Grid : SampleScalingSettings.Corner;
            var points = SampleScaling.Grid(scaling, runSeed, workers: workers, onProgress: new Progress("sample-complexity ladders").Report);
            var judged = SampleSizeClaim.Judge(points, scaling);
            report.Section("Sample complexity as a scaling law", $"N*(K, d): the smallest teacher-aware training set on a ladder of whole triplets at which every teacher node is " +
                $"specialized, trained to the bound's gradient level; {scaling}; run seed {runSeed}. The figure shows N* per seed (ladders without N* as open marks at their top), the fitted lines and the bound's exponent (dashed).",
                Figures.SampleScaling(outDir, points, judged), judged);
        }
        if (only.Contains("multi-layer"))
        {
            var progress = new Progress("multi-layer runs");
            var runs = TrialRunner.RunAll(scale.MultiLayer, MultiLayer.Run, workers, progress.Report);
            records.AddRange(runs.Select(RunsJsonl.Record));
            foreach (var run in runs) tables.Add(run);
            report.Section("Multi-layer", $"Runs: {scale.MultiLayer[0]} (seeds {string.Join(",", scale.MultiLayer.Select(c => c.Seed))}).",
                Figures.MultiLayer(outDir, runs), MultiLayerClaim.Judge(runs));
            var authors = scale.MultiLayerAuthors;
            var authorsRuns = MultiLayerCommand.Train(authors.Configs(), workers, "multi-layer runs, the authors' protocol");
            records.AddRange(authorsRuns.Select(r => RunsJsonl.Record(r)));
            foreach (var run in authorsRuns) tables.Add(run);
            var judged = MultiLayerAuthorsClaim.Judge(authorsRuns);
            report.Section("Multi-layer, the authors' protocol", $"Runs: {authors}. The authors' teacher (grid weights, biases tuned to half activity on the evaluation inputs, " +
                "rows normalized, outputs standardized), PyTorch's default student initialization, one shuffled pass per epoch, their MSELoss rates (docs/theorems/01, \"The authors' protocol\"). " +
                "The figure shows each layer's mean best correlation against N: the mean over the conclusive seeds, band min to max; dashed: the level of a specialized layer.",
                Figures.MultiLayerAgainstN(outDir, MultiLayerCommand.Drawn(authorsRuns, judged), MultiLayerCommand.FigureCaption(authors, judged)), judged);
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
                Record(records, tables, runs, "cifar10");
                report.Section("CIFAR-10 inputs", $"Sweep: {sweep}; inputs: {source}.", Figures.LShapeScatter(outDir, runs, "lshape_cifar10.png", "CIFAR-10"),
                    ImagesOverRealizationClaim.Judge(runs, source));
            }
        }

        RunsJsonl.Write(Path.Combine(outDir, "runs.jsonl"), records);
        var runId = SweepJson.RunId(new Reproduction(scale, only, cifar is not null, runSeed));
        var provenance = Provenance.OfThisProcess(runSeed, withRules: true);
        var path = Path.Combine(outDir, "report.md");
        report.Write(path, clock.Elapsed, ProvenanceSection.Markdown(provenance, runId));
        var claimFiles = ClaimsJson.Write(outDir, report.Outcomes, runSeed, runId, provenance);
        var tableFiles = tables.Write(outDir, provenance);
        Console.WriteLine($"wrote {path}, {string.Join(", ", claimFiles)}, {records.Count} runs to {Path.Combine(outDir, "runs.jsonl")} ({clock.Elapsed.TotalMinutes:0.0} min)");
        Console.WriteLine("tables (docs/outputs.md): " + string.Join(", ", tableFiles.Where(f => f.Path.EndsWith(".parquet", StringComparison.Ordinal)).Select(f => $"{Path.GetFileName(f.Path)} {f.Rows} rows")));
        foreach (var outcome in report.Outcomes) Console.WriteLine($"  {outcome.Verdict.ToString().ToLowerInvariant(),-12} {outcome.Claim.Id}");
        return 0;
    }

    /// <summary>
    /// What a reproduction is, as its run id (<see cref="SweepJson.RunId"/>) reads it: the scale with
    /// every configuration, the experiments, whether CIFAR-10 data was given, and the run seed.
    /// </summary>
    internal sealed record Reproduction(ExperimentScale Scale, IReadOnlyList<string> Experiments, bool Cifar10, long RunSeed);

    static void Record(List<IRunsJsonlLine> records, OutputTables tables, IReadOnlyList<TwoLayerRun> runs, string experiment)
    {
        records.AddRange(runs.Select(r => RunsJsonl.Record(r, experiment)));
        foreach (var run in runs) tables.Add(run, experiment);
    }

    static TwoLayerRun[] Sweep(string label, IReadOnlyList<TwoLayerConfig> configs, int workers) =>
        Divergence.Warn(TwoLayerExperiment.RunAll(configs, workers, new Progress($"{label} ({configs.Count} runs)").Report));
}
