using TorchSharp;
using Verify.Model.Networks;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Analysis;

/// <summary>
/// How a student's nodes at one hidden layer relate to the teacher's, in plain numbers.
/// Teachers are indexed j (rows), students k (columns).
/// </summary>
/// <param name="Layer">Hidden layer, 1 = lowest.</param>
/// <param name="Correlation">rho_jk over the analysis set.</param>
/// <param name="Cosine">Cosine of the augmented weight vectors w*_j and w_k. Only layer 1 has one:
/// there both act on the same inputs; above it teacher and student weights live in spaces of
/// different width, so upper-layer reports carry an empty [m, 0] matrix.</param>
/// <param name="StudentFanOutNorms">||v_k||: norm of student node k's fan-out row.</param>
/// <param name="TeacherFanOutNorms">||v*_j||.</param>
/// <param name="Observation">obs[j, k] = min(#{x: t_j(x) &gt; 0, k open}, #{x: t_j(x) &lt;= 0, k open}), where
/// "k open" means student k's gate is non-zero (always for leaky ReLU).</param>
public sealed record SpecializationReport(
    int Layer,
    double[,] Correlation,
    double[,] Cosine,
    double[] StudentFanOutNorms,
    double[] TeacherFanOutNorms,
    int[,] Observation)
{
    public int Teachers => Correlation.GetLength(0);
    public int Students => Correlation.GetLength(1);

    /// <summary>max_k rho_jk for each teacher j.</summary>
    public double[] BestCorrelationPerTeacher => Rows(Correlation).Select(r => r.Max()).ToArray();

    /// <summary>argmax_k rho_jk for each teacher j.</summary>
    public int[] BestStudentPerTeacher => Rows(Correlation).Select(r => Array.IndexOf(r, r.Max())).ToArray();

    /// <summary>max_j rho_jk for each student k.</summary>
    public double[] BestCorrelationPerStudent => Columns(Correlation).Select(c => c.Max()).ToArray();

    /// <summary>argmax_j rho_jk for each student k.</summary>
    public int[] BestTeacherPerStudent => Columns(Correlation).Select(c => Array.IndexOf(c, c.Max())).ToArray();

    /// <summary>max_k cos(w*_j, w_k) for each teacher j.</summary>
    public double[] BestCosinePerTeacher => Layer == 1
        ? Rows(Cosine).Select(r => r.Max()).ToArray()
        : throw new InvalidOperationException($"Weight cosines exist only at layer 1; this report is of layer {Layer}.");

    /// <summary>Teacher j is covered when max_k rho_jk &gt; tau.</summary>
    public bool[] CoveredTeachers(double tau) => BestCorrelationPerTeacher.Select(r => r > tau).ToArray();

    /// <summary>Number of covered teachers at threshold tau.</summary>
    public int Covered(double tau) => CoveredTeachers(tau).Count(c => c);

    /// <summary>Fraction of covered teachers at threshold tau.</summary>
    public double Coverage(double tau) => (double)Covered(tau) / Teachers;

    internal static double[][] Rows(double[,] a) =>
        Enumerable.Range(0, a.GetLength(0)).Select(i => Enumerable.Range(0, a.GetLength(1)).Select(j => a[i, j]).ToArray()).ToArray();

    internal static double[][] Columns(double[,] a) =>
        Enumerable.Range(0, a.GetLength(1)).Select(j => Enumerable.Range(0, a.GetLength(0)).Select(i => a[i, j]).ToArray()).ToArray();
}

public static class Specialization
{
    /// <summary>Analyzes hidden layer <paramref name="layer"/> (1 = lowest) on <paramref name="inputs"/> (N, d).</summary>
    public static SpecializationReport Analyze(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, int layer = 1)
    {
        if (teacher.HiddenLayers != student.HiddenLayers)
            throw new ArgumentException($"Teacher and student must have the same depth; teacher has {teacher.HiddenLayers} hidden layers, student {student.HiddenLayers}.");
        if (layer < 1 || layer > teacher.HiddenLayers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layer must lie in 1..{teacher.HiddenLayers}; got {layer}.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var t = teacher.Trace(inputs);
        using var s = student.Trace(inputs);
        var l = layer - 1;
        var rho = Analysis.Correlation.Pearson(t.Activations[l], s.Activations[l]);
        var cosine = layer == 1 ? CosineMatrix(teacher.Weights[l], student.Weights[l]) : new double[teacher.HiddenWidths[l], 0];
        var studentFanOut = RowNorms(LowestLayerSignal.FanOut(student.Weights[l + 1]));
        var teacherFanOut = RowNorms(LowestLayerSignal.FanOut(teacher.Weights[l + 1]));
        var obs = Observation(t.PreActivations[l], student.Activation.Gate(s.PreActivations[l]));
        return new SpecializationReport(layer, rho, cosine, studentFanOut, teacherFanOut, obs);
    }

    /// <summary>Every hidden layer, lowest first.</summary>
    public static SpecializationReport[] AnalyzeAllLayers(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs) =>
        Enumerable.Range(1, teacher.HiddenLayers).Select(l => Analyze(teacher, student, inputs, l)).ToArray();

    /// <summary>cos(w*_j, w_k) of augmented weight columns: [m, n].</summary>
    public static double[,] CosineMatrix(Tensor teacherWeights, Tensor studentWeights)
    {
        using var scope = NewDisposeScope();
        var a = teacherWeights.to(ScalarType.Float64);
        var b = studentWeights.to(ScalarType.Float64);
        var na = a / Runtime.TensorOps.ColumnNorms(a, keepdim: true).ClampAtLeast(1e-300);
        var nb = b / Runtime.TensorOps.ColumnNorms(b, keepdim: true).ClampAtLeast(1e-300);
        return RectifiedNetwork.ToArray(na.t().mm(nb));
    }

    static double[] RowNorms(Tensor w)
    {
        using var n = Runtime.TensorOps.RowNorms(w).to(ScalarType.Float64, CPU);
        return n.data<double>().ToArray();
    }

    /// <summary>obs[j, k] from teacher pre-activations (N, m) and student gates (N, n).</summary>
    internal static int[,] Observation(Tensor teacherPre, Tensor studentGate)
    {
        using var scope = NewDisposeScope();
        var open = studentGate.Above(0).to(ScalarType.Float64);
        var positive = teacherPre.Above(0).to(ScalarType.Float64);
        var above = positive.t().mm(open);
        var below = positive.SubtractedFrom(1).t().mm(open);
        var obs = minimum(above, below);
        var values = RectifiedNetwork.ToArray(obs);
        var result = new int[values.GetLength(0), values.GetLength(1)];
        for (var j = 0; j < values.GetLength(0); j++)
            for (var k = 0; k < values.GetLength(1); k++)
                result[j, k] = (int)Math.Round(values[j, k]);
        return result;
    }
}
