using TorchSharp;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Networks;

/// <summary>
/// How a teacher is drawn, following the paper's experiment code: weights from a grid, no two
/// lowest-layer vectors co-linear, unit-norm weight columns, a fixed bias (two layers) or biases
/// that put each node active on about half the data (deeper teachers), and fan-out rows of node j
/// divided by j^p (strength decay p), so teacher 1 is the strongest.
/// </summary>
/// <param name="InputDim">d &gt;= 1.</param>
/// <param name="HiddenWidths">m_1 .. m_{L-1}, lowest first, each &gt;= 1.</param>
/// <param name="OutputDim">Number of outputs (50 in the paper's two-layer runs).</param>
/// <param name="Activation">ReLU by default.</param>
/// <param name="StrengthDecay">p &gt;= 0.</param>
/// <param name="Bias">Bias of every node and output when biases are not tuned (-0.1 in the paper).</param>
/// <param name="InputStd">Standard deviation of the Gaussian inputs, used to tune biases of deep teachers.</param>
/// <param name="TuneBiases">Tune biases to the median pre-activation; by default only for deeper teachers.</param>
public sealed record TeacherSpec(
    int InputDim,
    IReadOnlyList<int> HiddenWidths,
    int OutputDim = 50,
    Activation? Activation = null,
    double StrengthDecay = 0.0,
    double Bias = -0.1,
    double InputStd = 1.5,
    bool? TuneBiases = null)
{
    /// <summary>The paper's grid {-1, -0.75, ..., 1}.</summary>
    public static IReadOnlyList<double> Grid { get; } = Enumerable.Range(0, 9).Select(i => -1.0 + 0.25 * i).ToArray();

    /// <summary>A two-layer teacher: d inputs, m hidden nodes.</summary>
    public static TeacherSpec TwoLayer(int d, int m, double decay = 0.0, int outputs = 50, Activation? activation = null) =>
        new(d, [m], outputs, activation, decay);

    public Activation ActivationOrDefault => Activation ?? Activation.Relu;

    /// <summary>Deeper teachers tune biases to the median pre-activation unless told otherwise.</summary>
    public bool TunesBiases => TuneBiases ?? HiddenWidths.Count > 1;

    /// <summary>Throws one message naming the first out-of-range field.</summary>
    public void Validate()
    {
        if (InputDim < 1) throw new ArgumentOutOfRangeException(nameof(InputDim), InputDim, $"Input dimension d must be >= 1; got {InputDim}.");
        if (HiddenWidths is null || HiddenWidths.Count == 0)
            throw new ArgumentException("A teacher needs at least one hidden layer (HiddenWidths is empty).", nameof(HiddenWidths));
        for (var l = 0; l < HiddenWidths.Count; l++)
            if (HiddenWidths[l] < 1)
                throw new ArgumentOutOfRangeException(nameof(HiddenWidths), HiddenWidths[l], $"Teacher width at hidden layer {l + 1} must be >= 1; got {HiddenWidths[l]}.");
        if (OutputDim < 1) throw new ArgumentOutOfRangeException(nameof(OutputDim), OutputDim, $"Output dimension must be >= 1; got {OutputDim}.");
        if (!double.IsFinite(StrengthDecay) || StrengthDecay < 0)
            throw new ArgumentOutOfRangeException(nameof(StrengthDecay), StrengthDecay, $"Strength decay p must be a finite number >= 0; got {StrengthDecay}.");
        if (!double.IsFinite(Bias)) throw new ArgumentOutOfRangeException(nameof(Bias), Bias, "Teacher bias must be finite.");
        if (!double.IsFinite(InputStd) || InputStd <= 0)
            throw new ArgumentOutOfRangeException(nameof(InputStd), InputStd, $"Input standard deviation must be finite and > 0; got {InputStd}.");
    }
}

/// <summary>Draws teachers from a <see cref="TeacherSpec"/> and an explicit seed.</summary>
public static class Teacher
{
    const int MaxDrawsPerNode = 10_000;

    /// <summary>The teacher of <paramref name="spec"/> drawn with <paramref name="seed"/>: float64 unless told, on <paramref name="device"/> or else <see cref="Runtime.TorchRuntime.DefaultDevice"/>. The draw happens on the CPU, so the same seed gives the same teacher on every device.</summary>
    public static RectifiedNetwork Build(TeacherSpec spec, long seed, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        spec.Validate();
        Runtime.TorchRuntime.EnsureInitialized();
        var rng = new Generator((ulong)seed);
        var widths = new List<int> { spec.InputDim };
        widths.AddRange(spec.HiddenWidths);
        var layers = new List<double[,]>();

        for (var l = 0; l < spec.HiddenWidths.Count; l++)
        {
            int fanIn = widths[l], nodes = widths[l + 1];
            var w = new double[fanIn + 1, nodes];
            var accepted = new List<double[]>();
            for (var j = 0; j < nodes; j++)
            {
                var v = DrawDistinct(rng, fanIn, accepted, l, j);
                accepted.Add(v);
                var norm = Math.Sqrt(v.Sum(x => x * x));
                for (var i = 0; i < fanIn; i++) w[i, j] = v[i] / norm;
                w[fanIn, j] = spec.Bias;
            }
            if (l > 0) ApplyDecay(w, spec.StrengthDecay);
            layers.Add(w);
        }

        var top = widths[^1];
        var output = new double[top + 1, spec.OutputDim];
        for (var j = 0; j < top; j++)
        {
            var row = DrawNonZero(rng, spec.OutputDim, $"output fan-out row of top hidden node {j + 1}");
            for (var o = 0; o < spec.OutputDim; o++) output[j, o] = row[o];
        }
        for (var o = 0; o < spec.OutputDim; o++) output[top, o] = spec.Bias;
        ApplyDecay(output, spec.StrengthDecay);
        layers.Add(output);

        if (spec.TunesBiases) TuneBiases(layers, spec, rng);

        using var scope = NewDisposeScope();
        var tensors = layers.Select(a => tensor(a, dtype: ScalarType.Float64).to(dtype, device ?? Runtime.TorchRuntime.DefaultDevice)).ToArray();
        return new RectifiedNetwork(tensors, spec.ActivationOrDefault, "teacher");
    }

    /// <summary>Fan-out row j (1-indexed) divided by j^p: teacher 1 strongest.</summary>
    static void ApplyDecay(double[,] w, double p)
    {
        if (p == 0) return;
        for (var j = 0; j < w.GetLength(0) - 1; j++)
        {
            var factor = Math.Pow(j + 1, p);
            for (var o = 0; o < w.GetLength(1); o++) w[j, o] /= factor;
        }
    }

    static double[] DrawGridVector(Generator rng, int length)
    {
        using var idx = randint(0, TeacherSpec.Grid.Count, [length], dtype: ScalarType.Int64, generator: rng);
        return idx.data<long>().ToArray().Select(i => TeacherSpec.Grid[(int)i]).ToArray();
    }

    static double[] DrawNonZero(Generator rng, int length, string what)
    {
        for (var attempt = 0; attempt < MaxDrawsPerNode; attempt++)
        {
            var v = DrawGridVector(rng, length);
            if (v.Any(x => x != 0)) return v;
        }
        throw new InvalidOperationException($"Could not draw a non-zero grid vector for the {what} in {MaxDrawsPerNode} tries.");
    }

    /// <summary>A non-zero grid vector not co-linear (cosine magnitude 1) with any accepted one.</summary>
    static double[] DrawDistinct(Generator rng, int length, List<double[]> accepted, int layer, int node)
    {
        for (var attempt = 0; attempt < MaxDrawsPerNode; attempt++)
        {
            var v = DrawGridVector(rng, length);
            if (v.All(x => x == 0)) continue;
            if (accepted.All(u => Math.Abs(Cosine(u, v)) < 1 - 1e-9)) return v;
        }
        throw new ArgumentException(
            $"Cannot draw {node + 1} pairwise non-co-linear grid vectors of length {length} for hidden layer {layer + 1} " +
            $"({MaxDrawsPerNode} tries): the layer is too wide for its fan-in; use fewer nodes or a larger input dimension.");
    }

    internal static double Cosine(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
        return ab / Math.Sqrt(aa * bb);
    }

    /// <summary>
    /// Sets each hidden node's bias to minus the median of its pre-activation on a Gaussian probe
    /// sample, layer by layer, so that every node is active on about half of the data.
    /// </summary>
    static void TuneBiases(List<double[,]> layers, TeacherSpec spec, Generator rng)
    {
        using var scope = NewDisposeScope();
        var h = randn([4096, spec.InputDim], dtype: ScalarType.Float64, generator: rng).Times_(spec.InputStd);
        for (var l = 0; l < layers.Count - 1; l++)
        {
            var w = layers[l];
            var bias = w.GetLength(0) - 1;
            for (var j = 0; j < w.GetLength(1); j++) w[bias, j] = 0;
            var pre = RectifiedNetwork.Augment(h).mm(tensor(w));
            var sorted = pre.sort(0).Values;
            var median = sorted[sorted.shape[0] / 2].data<double>().ToArray();
            for (var j = 0; j < w.GetLength(1); j++) w[bias, j] = -median[j];
            h = spec.ActivationOrDefault.Apply(RectifiedNetwork.Augment(h).mm(tensor(w)));
        }
    }
}
