using System.Text.Json;
using System.Text.Json.Serialization;
using Verify.Model.Evidence;
using Verify.Model.Sweeps;

namespace Verify.Cli.Report;

/// <summary>
/// Writes training runs as JSON Lines (runs.jsonl): one object per run, snake_case field names, its
/// <c>run_id</c> first (<see cref="SweepJson.RunId"/> of its configuration). The tidy tables of
/// <see cref="OutputTables"/> hold the same runs in long format, beside it.
/// </summary>
static class RunsJsonl
{
    static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    /// <summary>The fields of one two-layer run (the list, plus the per-epoch curves).</summary>
    public static Dictionary<string, object?> Record(TwoLayerRun run, string experiment)
    {
        var c = run.Config;
        return new Dictionary<string, object?>
        {
            ["run_id"] = SweepJson.RunId(c),
            ["experiment"] = experiment,
            ["seed"] = c.Seed,
            ["d"] = c.D,
            ["m"] = c.M,
            ["multi"] = c.Multi,
            ["n"] = c.N,
            ["decay"] = c.Decay,
            ["activation"] = c.Activation.ToString(),
            ["epochs"] = c.Epochs,
            ["iters_per_epoch"] = c.ItersPerEpoch,
            ["batch"] = c.Batch,
            ["lr"] = c.LearningRate,
            ["n_train"] = c.NTrain,
            ["n_eval"] = c.NEval,
            ["outcome"] = run.Outcome.ToString(),
            ["diverged_at_step"] = run.DivergedAtStep,
            ["last_finite_loss"] = run.LastFiniteLoss,
            ["train_loss"] = run.TrainLoss,
            ["eval_loss"] = run.EvalLoss,
            ["best_corr_per_teacher"] = run.BestCorrPerTeacher,
            ["first_covered_epoch"] = run.FirstCoveredEpoch,
            ["grad_at_first_cover"] = run.GradAtFirstCover,
            ["loss_at_first_cover"] = run.LossAtFirstCover,
            ["tau"] = c.Tau,
            ["early_epoch"] = run.EarlyEpoch,
            ["best_corr_per_teacher_early"] = run.BestCorrPerTeacherEarly,
            ["best_corr_per_student"] = run.BestCorrPerStudent,
            ["student_fanout_norm"] = run.StudentFanoutNorm,
            ["teacher_fanout_norm"] = run.TeacherFanoutNorm,
            ["max_sample_grad"] = run.MaxSampleGrad,
            ["eval_loss_per_epoch"] = run.EvalLossPerEpoch,
            ["coverage_per_epoch"] = run.CoveragePerEpoch,
            ["seconds"] = run.Seconds,
        };
    }

    /// <summary>
    /// The fields of one run of the authors' multi-layer protocol: its configuration (the yaml's keys),
    /// per layer the mean best correlation, the share of teacher nodes above tau and each teacher
    /// node's best correlation (eval data), the losses (MSELoss), the per-epoch curves, and the outcome
    /// with its numbers. Numbers that are not finite are written as null.
    /// </summary>
    public static Dictionary<string, object?> Record(AuthorsMultiLayerRun run, string experiment = "multi-layer.authors")
    {
        var c = run.Config;
        var state = Verify.Model.Claims.MultiLayerAuthorsClaim.Classify(run);
        return new Dictionary<string, object?>
        {
            ["run_id"] = SweepJson.RunId(c),
            ["experiment"] = experiment,
            ["seed"] = c.Seed,
            ["d"] = c.D,
            ["ks"] = c.Ks,
            ["node_multi"] = c.NodeMulti,
            ["data_std"] = c.DataStd,
            ["n_train"] = c.NTrain,
            ["n_eval"] = c.NEval,
            ["batch"] = c.Batch,
            ["epochs"] = c.Epochs,
            ["lr"] = c.LearningRates.ToDictionary(p => p.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Rate),
            ["lr_step_factor"] = Verify.Model.Training.MseRate.ToStep(1, c.Outputs),
            ["outputs"] = c.Outputs,
            ["outcome"] = state.ToString().ToLowerInvariant(),
            ["loss_ratio"] = Finite(run.LossRatio),
            ["stall_fraction"] = Verify.Model.Claims.MultiLayerAuthorsClaim.StallFraction,
            ["diverged_at_step"] = run.DivergedAtStep,
            ["last_finite_loss"] = run.LastFiniteLoss is { } f ? Finite(f) : null,
            ["steps"] = run.Steps,
            ["mean_best_corr_per_layer"] = Finite(run.MeanBestCorrelation),
            ["tau"] = Verify.Model.Rules.Tau,
            ["frac_above_tau_per_layer"] = run.Diverged ? null : Finite(run.FractionAbove(Verify.Model.Rules.Tau)),
            ["best_corr_per_teacher_node"] = run.BestCorrelation.Select(Finite).ToArray(),
            ["train_loss_initial"] = Finite(run.InitialTrainLoss),
            ["train_loss"] = Finite(run.TrainLoss),
            ["eval_loss_initial"] = Finite(run.InitialEvalLoss),
            ["eval_loss"] = Finite(run.EvalLoss),
            ["mean_best_corr_per_layer_per_epoch"] = run.MeanBestCorrelationPerEpoch.Select(Finite).ToArray(),
            ["train_loss_per_epoch"] = Finite(run.TrainLossPerEpoch),
            ["eval_loss_per_epoch"] = Finite(run.EvalLossPerEpoch),
            ["seconds"] = run.Seconds,
        };
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    static double?[] Finite(double[] values) => values.Select(Finite).ToArray();

    /// <summary>One line per record, written to <paramref name="path"/> (replaced).</summary>
    public static void Write(string path, IEnumerable<Dictionary<string, object?>> records)
    {
        using var writer = new StreamWriter(path, append: false);
        foreach (var r in records) writer.WriteLine(JsonSerializer.Serialize(r, Options));
    }
}
