using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;

namespace Verify.TestSupport;

/// <summary>A teacher, a student and a dataset, built from one seed: the setup line of most tests.</summary>
public sealed record Pair(RectifiedNetwork Teacher, RectifiedNetwork Student, Dataset Data, long Seed) : IDisposable
{
    /// <summary>A teacher of the given shape with a student of multi times its widths and Gaussian data.</summary>
    public static Pair Build(int d, int[] teacherWidths, int multi, int samples, long seed, Activation? activation = null,
        double decay = 0, int outputs = 5, double initStd = 0.1)
    {
        var teacher = Verify.Model.Networks.Teacher.Build(new TeacherSpec(d, teacherWidths, outputs, activation, decay), Seeds.Of(seed, "teacher"));
        var student = Verify.Model.Networks.Student.OverRealized(teacher, multi, Seeds.Of(seed, "student"), initStd);
        var data = Dataset.Gaussian(teacher, samples, Seeds.Of(seed, "train-inputs"));
        return new Pair(teacher, student, data, seed);
    }

    public override string ToString() => $"seed {Seed}: teacher {Teacher}, student {Student}, N = {Data.Count}";

    public void Dispose()
    {
        Teacher.Dispose();
        Student.Dispose();
        Data.Dispose();
    }
}
