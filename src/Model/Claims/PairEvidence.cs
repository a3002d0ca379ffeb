using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>
/// The analysis record of a trained teacher-student pair, in plain numbers: everything the
/// claims about one trained pair (1, 2, 4, the leaky observation) judge, measured once from the
/// tensors. A conjecture's conclusion is a function of this record.
/// </summary>
/// <param name="Case">The case in words (configuration and seeds): its replay.</param>
/// <param name="Report">Lowest-layer correlation, cosine, observation and fan-out norms on the judged inputs.</param>
/// <param name="Alpha">alpha_kj = v_k^T v*_j, [n, m] (fan-out rows without the bias row).</param>
/// <param name="AffineStudents">Student nodes whose pre-activation has one sign on every input (no kink in the data).</param>
/// <param name="NetFanOutOfColinearGroups">Per student node, the net fan-out of its group of co-linear nodes (cosine above <paramref name="ColinearCosine"/>) per unit weight.</param>
/// <param name="ColinearCosine">The cosine above which student nodes were grouped.</param>
/// <param name="StudentLeaky">The student's activation is leaky ReLU (0 &lt; c &lt; 1).</param>
/// <param name="DataStraddles">Per teacher node: the inputs lie on both sides of its boundary.</param>
/// <param name="Samples">N, the number of judged inputs.</param>
/// <param name="Training">The run that produced the student; null for an untrained student.</param>
public sealed record PairEvidence(
    string Case,
    SpecializationReport Report,
    double[,] Alpha,
    bool[] AffineStudents,
    double[] NetFanOutOfColinearGroups,
    double ColinearCosine,
    bool StudentLeaky,
    bool[] DataStraddles,
    int Samples,
    TrainingResult? Training)
{
    /// <summary>The theorem's precondition: the run stopped because max_x ||g_1(x)|| reached its target.</summary>
    public bool ReachedGradientTarget => Training?.Outcome == TrainingOutcome.ReachedGradientTarget;

    public double MaxSampleGradient => Training?.MaxSampleGradient ?? double.NaN;

    /// <summary>Measures a pair on <paramref name="inputs"/> (N, d), usually the training inputs.</summary>
    public static PairEvidence Measure(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, TrainingResult? training,
        string? description = null, double colinearCosine = 0.95)
    {
        using var scope = NewDisposeScope();
        var report = Specialization.Analyze(teacher, student, inputs, layer: 1);
        return new PairEvidence(
            description ?? string.Create(CultureInfo.InvariantCulture, $"teacher {teacher}, student {student}, N {inputs.shape[0]}"),
            report,
            teacher.HiddenLayers == 1 ? AlphaOf(teacher, student) : new double[student.HiddenWidths[0], 0],
            OneSigned(student, inputs),
            NetFanOut(student, colinearCosine),
            colinearCosine,
            student.Activation.NegativeSlope is > 0 and < 1,
            OneSigned(teacher, inputs).Select(s => !s).ToArray(),
            (int)inputs.shape[0],
            training);
    }

    /// <summary>alpha_kj = v_k^T v*_j: [n, m], from the fan-out rows of the lowest layer (bias rows left out).</summary>
    public static double[,] AlphaOf(RectifiedNetwork teacher, RectifiedNetwork student)
    {
        using var scope = NewDisposeScope();
        var v = LowestLayerSignal.FanOut(student.Weights[1]).to(ScalarType.Float64);
        var vStar = LowestLayerSignal.FanOut(teacher.Weights[1]).to(ScalarType.Float64);
        return RectifiedNetwork.ToArray(v.mm(vStar.t()));
    }

    /// <summary>Lowest-layer nodes whose pre-activation has one sign on every input (dead ReLUs included).</summary>
    static bool[] OneSigned(RectifiedNetwork network, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = network.Trace(inputs);
        var positive = trace.PreActivations[0].Above(0).to(ScalarType.Float64).sum([0L]).to(CPU).data<double>().ToArray();
        return positive.Select(p => p == 0 || p == inputs.shape[0]).ToArray();
    }

    /// <summary>
    /// For each lowest-layer student node k: ||sum_{k' ~ k} ||w_k'|| v_k'|| / max_{k' ~ k} ||w_k'||,
    /// the net fan-out of its group of mutually co-linear nodes (grouped transitively), per unit of
    /// the largest weight. Co-linear nodes compute multiples of one function, so only their net
    /// fan-out acts on the output.
    /// </summary>
    static double[] NetFanOut(RectifiedNetwork student, double colinearCosine)
    {
        var w = student.WeightArrays();
        var cos = Specialization.CosineMatrix(student.Weights[0], student.Weights[0]);
        int n = student.HiddenWidths[0], rows = w[0].GetLength(0), outputs = w[1].GetLength(1);
        var group = Enumerable.Range(0, n).ToArray();
        int Find(int k) => group[k] == k ? k : group[k] = Find(group[k]);
        for (var a = 0; a < n; a++)
            for (var b = a + 1; b < n; b++)
                if (cos[a, b] > colinearCosine) group[Find(a)] = Find(b);
        var norms = Enumerable.Range(0, n).Select(k => Math.Sqrt(Enumerable.Range(0, rows).Sum(i => w[0][i, k] * w[0][i, k]))).ToArray();
        var result = new double[n];
        for (var k = 0; k < n; k++)
        {
            var members = Enumerable.Range(0, n).Where(q => Find(q) == Find(k)).ToArray();
            var net = new double[outputs];
            foreach (var q in members)
                for (var o = 0; o < outputs; o++) net[o] += norms[q] * w[1][q, o];
            result[k] = Math.Sqrt(net.Sum(x => x * x)) / Math.Max(members.Max(q => norms[q]), 1e-300);
        }
        return result;
    }
}
