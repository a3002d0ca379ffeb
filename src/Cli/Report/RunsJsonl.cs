using System.Text.Json;
using System.Text.Json.Serialization;
using Verify.Model.Experiments;

namespace Verify.Cli.Report;

/// <summary>Writes training runs as JSON Lines: one object per run, snake_case field names.</summary>
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

    /// <summary>One line per record, written to <paramref name="path"/> (replaced).</summary>
    public static void Write(string path, IEnumerable<Dictionary<string, object?>> records)
    {
        using var writer = new StreamWriter(path, append: false);
        foreach (var r in records) writer.WriteLine(JsonSerializer.Serialize(r, Options));
    }
}
