using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.TestSupport;

/// <summary>
/// Seeded computations over every path the sweeps and properties use, each ending in plain numbers
/// (a fingerprint) so that two runs can be compared bit for bit: mini-batch SGD with ReLU and leaky
/// ReLU students, full-batch gradient descent, a three-layer student, batched trials, a
/// teacher-aware data draw and the analysis of a trained pair.
/// </summary>
public static class Workloads
{
    /// <summary>A named computation: given a run seed, its fingerprint.</summary>
    public sealed record Workload(string Name, Func<long, double[]> Run)
    {
        public override string ToString() => Name;
    }

    /// <summary>Every workload at the given size factor (1: seconds for all of them; larger: longer runs).</summary>
    public static IReadOnlyList<Workload> All(int size = 1) =>
    [
        new("sgd-relu", seed => Train(seed, Activation.Relu, [3], batch: 16, epochs: 2 * size)),
        new("sgd-leaky", seed => Train(seed, Activation.LeakyRelu(0.1), [3], batch: 16, epochs: 2 * size)),
        new("gd-full-batch", seed => Train(seed, Activation.Relu, [3], batch: null, epochs: 2 * size)),
        new("sgd-three-layer", seed => Train(seed, Activation.LeakyRelu(0.1), [4, 3], batch: 16, epochs: 2 * size)),
        new("batched-trials", seed => BatchedTrials(seed, trials: 3, epochs: 2 * size)),
        new("teacher-aware-data", seed => TeacherAwareDraw(seed, 300 * size)),
        new("analysis", seed => Analysis(seed, epochs: size)),
    ];

    static RectifiedNetwork BuildTeacher(long seed, Activation activation, int[] widths) =>
        Teacher.Build(new TeacherSpec(8, widths, 4, activation, 1.0), Seeds.Of(seed, "teacher"));

    static SgdOptions Options(int? batch, int epochs) =>
        new() { LearningRate = 0.05, BatchSize = batch, Epochs = epochs, ItersPerEpoch = 100 };

    static double[] Train(long seed, Activation activation, int[] widths, int? batch, int epochs)
    {
        using var scope = NewDisposeScope();
        using var teacher = BuildTeacher(seed, activation, widths);
        using var data = Dataset.Gaussian(teacher, 200, Seeds.Of(seed, "train-inputs"));
        using var student = Student.OverRealized(teacher, 2, Seeds.Of(seed, "student"), 0.1, activation);
        var result = SgdTrainer.Train(student, data, Options(batch, epochs), Seeds.Of(seed, "batches"));
        return Fingerprint(result, student);
    }

    static double[] BatchedTrials(long seed, int trials, int epochs)
    {
        using var scope = NewDisposeScope();
        using var teacher = BuildTeacher(seed, Activation.Relu, [3]);
        using var data = Dataset.Gaussian(teacher, 200, Seeds.Of(seed, "train-inputs"));
        var students = Enumerable.Range(0, trials).Select(k => Student.OverRealized(teacher, 2, Seeds.Of(seed, "student", k), 0.1)).ToArray();
        try
        {
            var batch = students.Select((s, k) => new Trial(s, data, Options(16, epochs), Seeds.Of(seed, "batches", k))).ToArray();
            var results = SgdTrainer.Train(batch);
            return results.Zip(students, Fingerprint).SelectMany(f => f).ToArray();
        }
        finally
        {
            foreach (var s in students) s.Dispose();
        }
    }

    static double[] TeacherAwareDraw(long seed, int count)
    {
        using var scope = NewDisposeScope();
        using var teacher = BuildTeacher(seed, Activation.Relu, [3]);
        using var data = TeacherAware.Dataset(teacher, count, Seeds.Of(seed, "train-inputs"));
        return [.. Flatten(data.Inputs), .. Flatten(data.Targets)];
    }

    static double[] Analysis(long seed, int epochs)
    {
        using var scope = NewDisposeScope();
        using var teacher = BuildTeacher(seed, Activation.Relu, [3]);
        using var data = Dataset.Gaussian(teacher, 200, Seeds.Of(seed, "train-inputs"));
        using var student = Student.OverRealized(teacher, 2, Seeds.Of(seed, "student"), 0.1);
        SgdTrainer.Train(student, data, Options(null, epochs), Seeds.Of(seed, "batches"));
        var report = Specialization.Analyze(teacher, student, data.Inputs);
        var signal = LowestLayerSignal.Norms(teacher, student, data.Inputs);
        var cosines = Specialization.CosineMatrix(teacher.Weights[0], student.Weights[0]);
        return [.. report.Correlation.Cast<double>(), .. cosines.Cast<double>(), .. signal.PerSample];
    }

    static double[] Fingerprint(TrainingResult result, RectifiedNetwork student) =>
        [result.FinalTrainLoss, result.MaxSampleGradient, result.Steps, .. student.WeightArrays().SelectMany(w => w.Cast<double>())];

    static double[] Flatten(Tensor t)
    {
        using var flat = t.detach().to(ScalarType.Float64, CPU).flatten();
        return flat.data<double>().ToArray();
    }

    /// <summary>The first index at which two fingerprints differ in any bit, or null when identical.</summary>
    public static int? FirstDifference(double[] a, double[] b)
    {
        if (a.Length != b.Length) return Math.Min(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i])) return i;
        return null;
    }
}
