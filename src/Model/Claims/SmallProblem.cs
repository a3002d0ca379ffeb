using System.Globalization;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;

namespace Verify.Model.Claims;

/// <summary>Where training data of a small problem comes from.</summary>
public enum SmallData { Gaussian, TeacherAware }

/// <summary>
/// One small teacher-student problem: teacher input dimension, hidden widths (lowest first), leak of
/// the activation (0 = ReLU), fan-out strength decay p, over-realization factor, data kind and
/// size, and the case seed every stream is named from ("teacher", "train-inputs", "student",
/// "batches", ...). Printed in full in every verdict, so a case replays from its text.
/// </summary>
public sealed record SmallProblem(int D, int[] Widths, double Leak, double Decay, int Multi, int Samples, long Seed,
    SmallData Data = SmallData.Gaussian, int Outputs = 5)
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

    /// <summary>Builds teacher, data and student and trains with <paramref name="budget"/>; the caller owns the result.</summary>
    public TrainedProblem Train(SgdOptions budget, int[]? studentWidths = null)
    {
        var teacher = BuildTeacher();
        var data = BuildData(teacher);
        var student = Student.WithWidths(teacher, studentWidths ?? StudentWidths, StreamSeed("student"), InitStd);
        var training = SgdTrainer.Train(student, data, budget, StreamSeed("batches"));
        return new TrainedProblem(this, teacher, student, data, training);
    }

    public override string ToString() => FormattableString.Invariant($"case(d {D}, widths [{string.Join(",", Widths)}], {Activation}, decay {Decay}, multi {Multi}, {Data} N {Samples}, seed {Seed})");
}

/// <summary>A trained small problem: one owner of its teacher, student and data.</summary>
public sealed class TrainedProblem(SmallProblem problem, RectifiedNetwork teacher, RectifiedNetwork student, Dataset data, TrainingResult training) : IDisposable
{
    public SmallProblem Problem { get; } = problem;
    public RectifiedNetwork Teacher { get; } = teacher;
    public RectifiedNetwork Student { get; } = student;
    public Dataset Data { get; } = data;
    public TrainingResult Training { get; } = training;

    /// <summary>The analysis record on the training inputs.</summary>
    public PairEvidence Evidence() =>
        PairEvidence.Measure(Teacher, Student, Data.Inputs, Training, Problem.ToString());

    public void Dispose()
    {
        Student.Dispose();
        Data.Dispose();
        Teacher.Dispose();
    }
}

/// <summary>
/// The space small problems are drawn from, uniformly: d in [MinD, MaxD], Depth hidden layers of
/// widths in [MinWidth, MaxWidth] (the layers above the lowest get <see cref="UpperWidth"/>),
/// multi in [MinMulti, MaxMulti], a decay from <see cref="Decays"/>. Every draw meets the
/// hypotheses by construction: grid teachers have no two co-linear lowest-layer nodes, students
/// are over-realized.
/// </summary>
public sealed record SmallProblemSpace(int MinD, int MaxD, int MinWidth, int MaxWidth, double Leak, double[] Decays, int MinMulti, int MaxMulti,
    int Samples, int Depth = 1, int UpperWidth = 2)
{
    public static SmallProblemSpace TwoLayer(double leak) => new(3, 6, 2, 3, leak, [0, 0.5], 2, 2, 200);

    /// <summary>The Nightly space: larger d and widths, multi up to 3.</summary>
    public static SmallProblemSpace TwoLayerWide(double leak) => new(2, 8, 2, 4, leak, [0, 0.5], 2, 3, 300);

    public static SmallProblemSpace ThreeLayer(double leak) => new(3, 5, 2, 3, leak, [0], 2, 3, 100, Depth: 2);

    /// <summary>Case <paramref name="index"/> of stream <paramref name="stream"/> of run <paramref name="runSeed"/>.</summary>
    public SmallProblem Draw(long runSeed, string stream, int index)
    {
        var caseSeed = Seeds.Of(runSeed, stream, index);
        var random = new Random(unchecked((int)(caseSeed ^ (caseSeed >> 32))));
        var d = random.Next(MinD, MaxD + 1);
        var widths = new[] { random.Next(MinWidth, MaxWidth + 1) }.Concat(Enumerable.Repeat(UpperWidth, Depth - 1)).ToArray();
        var decay = Decays[random.Next(Decays.Length)];
        var multi = random.Next(MinMulti, MaxMulti + 1);
        return new SmallProblem(d, widths, Leak, decay, multi, Samples, caseSeed);
    }
}
