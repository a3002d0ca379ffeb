using System.Globalization;
using Verify.Model.Data;
using Verify.Model.Networks;

namespace Verify.Conjectures;

/// <summary>How a generated dataset is drawn.</summary>
public enum DataKind { Gaussian, TeacherAware }

/// <summary>
/// A generated teacher: input dimension, hidden widths (lowest first), activation, fan-out
/// strength decay p and the seed its weights are drawn with. <see cref="Teacher.Build"/> draws grid
/// weights with no two lowest-layer vectors co-linear, so every case meets that hypothesis by
/// construction. Printed in full in every failure, so a case replays from its text.
/// </summary>
public sealed record TeacherCase(int D, int[] Widths, double Leak, double Decay, long Seed, int Outputs = 5)
{
    public Activation Activation => Leak == 0 ? Activation.Relu : Activation.LeakyRelu(Leak);
    public TeacherSpec Spec => new(D, Widths, Outputs, Activation, Decay);
    public RectifiedNetwork Build() => Teacher.Build(Spec, Verify.Model.Runtime.Seeds.Of(Seed, "teacher"));
    public int Depth => Widths.Length;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"teacher(d {D}, widths [{string.Join(",", Widths)}], {Activation}, decay {Decay}, seed {Seed})");
}

/// <summary>A generated training case: teacher, over-realization factor, data kind and size.</summary>
public sealed record TrainingCase(TeacherCase Teacher, int Multi, DataKind Data, int Samples)
{
    public int[] StudentWidths => Teacher.Widths.Select(m => m * Multi).ToArray();

    public Dataset BuildData(RectifiedNetwork teacher) => Data == DataKind.Gaussian
        ? Dataset.Gaussian(teacher, Samples, Verify.Model.Runtime.Seeds.Of(Teacher.Seed, "train-inputs"))
        : TeacherAware.Dataset(teacher, Samples, Verify.Model.Runtime.Seeds.Of(Teacher.Seed, "train-inputs"));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Teacher}, multi {Multi}, {Data} N {Samples}");
}

/// <summary>A teacher and a student of any width (possibly below the teacher's), for the false conjecture.</summary>
public sealed record WidthCase(TeacherCase Teacher, int StudentWidth)
{
    public override string ToString() => $"{Teacher}, student width {StudentWidth}";
}
