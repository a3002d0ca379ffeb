using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;

namespace Verify.Model.Protocols;

/// <summary>
/// One small teacher-student problem: teacher input dimension, hidden widths (lowest first), leak of
/// the activation (0 = ReLU), fan-out strength decay p, over-realization factor, data kind and
/// size, the case seed every stream is named from ("teacher", "train-inputs", "student",
/// "batches", ...), and the mini-batch size (null: full-batch gradient descent). Printed in full in
/// every verdict, so a case replays from its text.
/// </summary>
public sealed record SmallProblem(int D, int[] Widths, double Leak, double Decay, int Multi, int Samples, long Seed,
    SmallData Data = SmallData.Gaussian, int Outputs = 5, int? Batch = null)
{
    /// <summary>Student init std: the paper's 0.005 only spends steps escaping the origin (measured: 0.3 keeps every case within seconds).</summary>
    public const double InitStd = 0.3;

    public Activation Activation => Leak == 0 ? Activation.Relu : Activation.LeakyRelu(Leak);
    public TeacherSpec Spec => new(D, Widths, Outputs, Activation, Decay);
    public int Depth => Widths.Length;
    public int[] StudentWidths => Widths.Select(m => m * Multi).ToArray();

    /// <summary>The seed of stream <paramref name="name"/> of this case.</summary>
    public long StreamSeed(string name) => Seeds.Of(Seed, name);

    public RectifiedNetwork BuildTeacher() => Teacher.Build(Spec, StreamSeed("teacher"));

    public Dataset BuildData(RectifiedNetwork teacher) => Data == SmallData.Gaussian
        ? Dataset.Gaussian(teacher, Samples, StreamSeed("train-inputs"))
        : TeacherAware.Dataset(teacher, Samples, StreamSeed("train-inputs"));

    /// <summary>Learning rate of the SGD phase of a mini-batch case.</summary>
    public const double SgdLearningRate = 0.05;

    /// <summary>Epochs of 250 mini-batch steps of the SGD phase (the endpoint the finish starts from).</summary>
    public const int SgdEpochs = 40;

    /// <summary>
    /// Builds teacher, data and student and trains with <paramref name="budget"/>; the caller owns the result.
    /// A mini-batch case (<see cref="Batch"/>) first runs <see cref="SgdEpochs"/> epochs of SGD at
    /// <see cref="SgdLearningRate"/> with no target (the endpoint of SGD, as the paper trains), and is then
    /// finished to <paramref name="budget"/>'s gradient target by <see cref="Finisher"/> (Levenberg-Marquardt).
    /// A full-batch case with <paramref name="finish"/> runs gradient descent with <paramref name="budget"/> and is then
    /// finished to <paramref name="finish"/>'s target (the deep cases: descent hands over, the finisher takes it to the rule's level).
    /// </summary>
    public TrainedProblem Train(SgdOptions budget, int[]? studentWidths = null, FinishOptions? finish = null)
    {
        var teacher = BuildTeacher();
        var data = BuildData(teacher);
        var student = Student.WithWidths(teacher, studentWidths ?? StudentWidths, StreamSeed("student"), InitStd);
        if (Batch is not { } batch)
        {
            var descent = SgdTrainer.Train(student, data, budget, StreamSeed("batches"));
            return finish is null || descent.Diverged
                ? new TrainedProblem(this, teacher, student, data, descent)
                : Finished(teacher, student, data, descent, finish, "gradient descent");
        }
        var sgd = SgdTrainer.Train(student, data,
            budget with { BatchSize = Math.Min(batch, data.Count), LearningRate = SgdLearningRate, Epochs = SgdEpochs, GradientTarget = null, MeasureEveryEpoch = false },
            StreamSeed("batches"));
        if (sgd.Diverged) return new TrainedProblem(this, teacher, student, data, sgd);
        return Finished(teacher, student, data, sgd, finish ?? new FinishOptions { GradientTarget = budget.GradientTarget ?? Rules.TwoLayerGradient }, "SGD");
    }

    /// <summary>Measures the specialization where <paramref name="endpoint"/> left the student, finishes it, and records both.</summary>
    TrainedProblem Finished(RectifiedNetwork teacher, RectifiedNetwork student, Dataset data, TrainingResult endpoint, FinishOptions finish, string phase)
    {
        var before = PairEvidence.Measure(teacher, student, data.Inputs, endpoint, ToString(), measureJumps: false).Report;
        var result = Finisher.Finish(student, data, finish, endpoint);
        return new TrainedProblem(this, teacher, student, data, result.Training,
            new FinishRecord(endpoint, result, before.BestCorrelationPerTeacher.Min(), before.BestCosinePerTeacher.Min(), phase));
    }

    public override string ToString() => FormattableString.Invariant(
        $"case(d {D}, widths [{string.Join(",", Widths)}], {Activation}, decay {Decay:0.###}, multi {Multi}, {Data} N {Samples}, {(Batch is { } b ? $"SGD batch {b}, " : "")}seed {Seed})");
}
