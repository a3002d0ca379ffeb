using TorchSharp;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Networks;

/// <summary>
/// The shape of the authors' multi-layer teacher (recon_multilayer.py with conf/config_multilayer.yaml).
/// </summary>
/// <param name="InputDim">d (the yaml's data_d, 20).</param>
/// <param name="HiddenWidths">The yaml's ks, lowest first ([50, 75, 100, 125]).</param>
/// <param name="OutputDim">Outputs (100: dataset.py's d_output for Gaussian data).</param>
/// <param name="TuneBiases">teacher_bias_tune: hidden biases tuned to the median pre-activation. False leaves them at their initial value (a negative control).</param>
/// <param name="StandardizeOutput">teacher_bias_last_layer_tune: each output standardized on the tuning data. False leaves the output layer as drawn (a negative control).</param>
public sealed record AuthorsTeacherSpec(int InputDim, IReadOnlyList<int> HiddenWidths, int OutputDim = 100, bool TuneBiases = true, bool StandardizeOutput = true)
{
    /// <summary>Throws one message naming the first out-of-range field.</summary>
    public void Validate()
    {
        if (InputDim < 1) throw new ArgumentOutOfRangeException(nameof(InputDim), InputDim, $"Input dimension d must be >= 1; got {InputDim}.");
        if (HiddenWidths is null || HiddenWidths.Count == 0)
            throw new ArgumentException("A teacher needs at least one hidden layer (HiddenWidths is empty).", nameof(HiddenWidths));
        if (OutputDim < 1) throw new ArgumentOutOfRangeException(nameof(OutputDim), OutputDim, $"Output dimension must be >= 1; got {OutputDim}.");
        var fanIn = InputDim;
        for (var l = 0; l <= HiddenWidths.Count; l++)
        {
            var width = l < HiddenWidths.Count ? HiddenWidths[l] : OutputDim;
            if (width < 1) throw new ArgumentOutOfRangeException(nameof(HiddenWidths), width, $"Teacher width at hidden layer {l + 1} must be >= 1; got {width}.");
            // Distinct non-zero rows of the grid: there are 9^fanIn - 1 of them.
            if (fanIn * Math.Log(AuthorsTeacher.Grid.Count) < Math.Log(width + 1.0))
                throw new ArgumentException(
                    $"{(l < HiddenWidths.Count ? $"Hidden layer {l + 1}" : "The output layer")} has {width} nodes, but only {Math.Pow(AuthorsTeacher.Grid.Count, fanIn) - 1} distinct " +
                    $"non-zero grid vectors of length {fanIn} exist; use fewer nodes or a wider layer below.", nameof(HiddenWidths));
            fanIn = width;
        }
    }
}

/// <summary>
/// The teacher of the authors' multi-layer experiment, built the way their code builds it
/// (model_gen.py, theory_utils.py, teacher_tune.py):
/// <list type="number">
/// <item>every layer, the output layer included: each node's fan-in vector drawn entry by entry
/// from the yaml's weight_choices {-1, -0.75, ..., 1}, no two nodes of a layer equal and none all
/// zero (init_separate_w); biases U(-0.5, 0.5) (init_w);</item>
/// <item>every node's fan-in vector and bias divided by ||w_j|| + 1e-5 (Model.normalize);</item>
/// <item>hidden layers, lowest first: each node's bias lowered by the median of its
/// pre-activation over the tuning inputs (tune_teacher; torch.median, the lower median), so each
/// node is active on half of them; each layer is tuned on the outputs of the tuned layers below;</item>
/// <item>the output layer: each output's fan-in and bias shifted and scaled so that the output has
/// mean 0 and standard deviation 1 (unbiased) over the tuning inputs (tune_teacher_last_layer).</item>
/// </list>
/// The authors tune on their evaluation set (10,240 samples of N(0, 10^2 I)); the caller passes
/// the tuning inputs. ReLU throughout; float64 here (the authors': float32 on a GPU).
/// </summary>
public static class AuthorsTeacher
{
    /// <summary>The yaml's weight_choices.</summary>
    public static IReadOnlyList<double> Grid { get; } = [-1.0, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1.0];

    /// <summary>Added to each norm before dividing (normalize_layer).</summary>
    public const double NormEpsilon = 1e-5;

    /// <summary>Initial biases are U(-this, this) (init_w), before normalization.</summary>
    public const double InitialBiasRange = 0.5;

    const int MaxDrawsPerNode = 10_000;

    /// <summary>
    /// The teacher of <paramref name="spec"/> drawn with <paramref name="seed"/> and tuned on
    /// <paramref name="tuningInputs"/> (N, d), N &gt;= 2: float64 unless told, on <paramref name="device"/>
    /// or else <see cref="TorchRuntime.DefaultDevice"/>. The draw and the tuning run on the CPU in float64.
    /// </summary>
    public static RectifiedNetwork Build(AuthorsTeacherSpec spec, long seed, Tensor tuningInputs, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        spec.Validate();
        TorchRuntime.EnsureInitialized();
        if (tuningInputs.dim() != 2 || tuningInputs.shape[1] != spec.InputDim || tuningInputs.shape[0] < 2)
            throw new ArgumentException($"Tuning inputs have shape [{string.Join(", ", tuningInputs.shape)}]; expected (N, {spec.InputDim}) with N >= 2.", nameof(tuningInputs));
        using var scope = NewDisposeScope();
        using var rng = new Generator((ulong)seed);
        var widths = new List<int> { spec.InputDim };
        widths.AddRange(spec.HiddenWidths);
        widths.Add(spec.OutputDim);
        var layers = new Tensor[widths.Count - 1];
        for (var l = 0; l < layers.Length; l++)
            layers[l] = DrawLayer(rng, widths[l], widths[l + 1], l);

        using var noGrad = no_grad();
        var x = tuningInputs.to(ScalarType.Float64, CPU);
        if (spec.TuneBiases)
            for (var l = 0; l < layers.Length - 1; l++)
            {
                var pre = PreActivation(layers, x, l);
                var lowerMedian = pre.sort(0).Values[(pre.shape[0] - 1) / 2];
                layers[l][-1].sub_(lowerMedian);
            }
        if (spec.StandardizeOutput)
        {
            var y = PreActivation(layers, x, layers.Length - 1);
            var mean = y.mean([0L]);
            var std = (y - mean).Squared().sum([0L]).Over_(y.shape[0] - 1).sqrt();
            layers[^1][-1].sub_(mean);
            layers[^1].div_(std);
        }
        return new RectifiedNetwork(layers.Select(w => w.to(dtype, device ?? TorchRuntime.DefaultDevice)).ToArray(), Activation.Relu, "teacher");
    }

    /// <summary>One layer: (fanIn + 1, nodes), column j node j's normalized grid vector with its normalized bias last.</summary>
    static Tensor DrawLayer(Generator rng, int fanIn, int nodes, int layer)
    {
        var w = new double[fanIn + 1, nodes];
        var norms = new double[nodes];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < nodes; j++)
        {
            var v = DrawDistinct(rng, fanIn, seen, layer, j);
            norms[j] = Math.Sqrt(v.Sum(e => e * e)) + NormEpsilon;
            for (var i = 0; i < fanIn; i++) w[i, j] = v[i] / norms[j];
        }
        using var u = rand([nodes], dtype: ScalarType.Float64, generator: rng);
        var uniform = u.data<double>().ToArray();
        for (var j = 0; j < nodes; j++)
            w[fanIn, j] = (2 * uniform[j] - 1) * InitialBiasRange / norms[j];
        return tensor(w, dtype: ScalarType.Float64);
    }

    /// <summary>A grid vector that is not all zero and differs from every vector drawn before in its layer (init_separate_w).</summary>
    static double[] DrawDistinct(Generator rng, int length, HashSet<string> seen, int layer, int node)
    {
        for (var attempt = 0; attempt < MaxDrawsPerNode; attempt++)
        {
            using var idx = randint(0, Grid.Count, [length], dtype: ScalarType.Int64, generator: rng);
            var picks = idx.data<long>().ToArray();
            var v = picks.Select(i => Grid[(int)i]).ToArray();
            if (v.All(e => e == 0)) continue;
            if (seen.Add(string.Join(",", picks))) return v;
        }
        throw new ArgumentException(
            $"Cannot draw {node + 1} distinct grid vectors of length {length} for layer {layer + 1} in {MaxDrawsPerNode} tries; use fewer nodes or a wider layer below.");
    }

    /// <summary>x (N, d) -> the pre-activation of layer <paramref name="layer"/> (N, width), through the ReLU layers below.</summary>
    static Tensor PreActivation(Tensor[] layers, Tensor x, int layer)
    {
        var h = x;
        for (var l = 0; l < layer; l++) h = Activation.Relu.Apply(RectifiedNetwork.Augment(h).mm(layers[l]));
        return RectifiedNetwork.Augment(h).mm(layers[layer]);
    }
}
