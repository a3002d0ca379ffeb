using TorchSharp;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Networks;

/// <summary>Builds students: same depth as the teacher, any widths, initialized as in the paper.</summary>
public static class Student
{
    /// <summary>The paper's two-layer initialization: weights N(0, 0.005^2), zero biases.</summary>
    public const double PaperInitStd = 0.005;

    /// <summary>
    /// An over-realized student: n_l = m_l * <paramref name="multi"/> at every hidden layer.
    /// </summary>
    public static RectifiedNetwork OverRealized(RectifiedNetwork teacher, int multi, long seed, double initStd = PaperInitStd, Activation? activation = null)
    {
        if (multi < 1) throw new ArgumentOutOfRangeException(nameof(multi), multi, $"Over-realization factor multi must be >= 1; got {multi}.");
        return WithWidths(teacher, teacher.HiddenWidths.Select(m => m * multi).ToArray(), seed, initStd, activation);
    }

    /// <summary>
    /// The authors' multi-layer student (recon_multilayer.py): n_l = m_l * <paramref name="multi"/> at
    /// every hidden layer, the teacher's outputs, and PyTorch's nn.Linear initialization, weights and
    /// biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in the width of the layer below (kaiming_uniform_
    /// with a = sqrt(5) for the weights; nn.Linear.reset_parameters). The yaml's student_scale_down (0.1)
    /// does not reach the trained student: recon_multilayer.py scales the student once, then calls
    /// reset_parameters() at the start of every trial, which draws every weight anew.
    /// </summary>
    public static RectifiedNetwork PyTorchDefault(RectifiedNetwork teacher, int multi, long seed)
    {
        if (multi < 1) throw new ArgumentOutOfRangeException(nameof(multi), multi, $"Over-realization factor multi must be >= 1; got {multi}.");
        using var scope = NewDisposeScope();
        using var rng = new Generator((ulong)seed);
        var widths = new List<int> { teacher.InputDim };
        widths.AddRange(teacher.HiddenWidths.Select(m => m * multi));
        widths.Add(teacher.OutputDim);
        var layers = new Tensor[widths.Count - 1];
        for (var l = 0; l < layers.Length; l++)
        {
            var bound = 1 / Math.Sqrt(widths[l]);
            var u = rand([widths[l] + 1, widths[l + 1]], dtype: ScalarType.Float64, generator: rng);
            layers[l] = u.Times_(2 * bound).Minus(bound).to(teacher.DType, teacher.Device);
        }
        return new RectifiedNetwork(layers, teacher.Activation, "student");
    }

    /// <summary>
    /// A student with the given hidden widths (lowest first; same depth as the teacher), weights
    /// N(0, initStd^2) and zero biases, on the teacher's dtype and device. Widths below the
    /// teacher's are allowed (they are the suite's under-realized negative controls) unless
    /// <paramref name="requireOverRealized"/> is set.
    /// </summary>
    public static RectifiedNetwork WithWidths(RectifiedNetwork teacher, IReadOnlyList<int> hiddenWidths, long seed, double initStd = PaperInitStd,
        Activation? activation = null, bool requireOverRealized = false)
    {
        if (hiddenWidths.Count != teacher.HiddenLayers)
            throw new ArgumentException($"The student needs {teacher.HiddenLayers} hidden widths (the teacher's depth); got {hiddenWidths.Count}.", nameof(hiddenWidths));
        for (var l = 0; l < hiddenWidths.Count; l++)
            if (hiddenWidths[l] < 1)
                throw new ArgumentOutOfRangeException(nameof(hiddenWidths), hiddenWidths[l], $"Student width at hidden layer {l + 1} must be >= 1; got {hiddenWidths[l]}.");
        if (requireOverRealized)
            for (var l = 0; l < hiddenWidths.Count; l++)
                if (hiddenWidths[l] < teacher.HiddenWidths[l])
                    throw new ArgumentException(
                        $"Student width {hiddenWidths[l]} at hidden layer {l + 1} is narrower than the teacher's {teacher.HiddenWidths[l]}; " +
                        "this needs an over-realized student (n_l >= m_l at every layer).", nameof(hiddenWidths));
        if (!double.IsFinite(initStd) || initStd <= 0)
            throw new ArgumentOutOfRangeException(nameof(initStd), initStd, $"Initialization std must be finite and > 0; got {initStd}.");

        using var scope = NewDisposeScope();
        var rng = new Generator((ulong)seed);
        var widths = new List<int> { teacher.InputDim };
        widths.AddRange(hiddenWidths);
        widths.Add(teacher.OutputDim);
        var layers = new Tensor[widths.Count - 1];
        for (var l = 0; l < layers.Length; l++)
        {
            var w = randn([widths[l] + 1, widths[l + 1]], dtype: ScalarType.Float64, generator: rng).Times_(initStd);
            w[-1].zero_();
            layers[l] = w.to(teacher.DType, teacher.Device);
        }
        return new RectifiedNetwork(layers, activation ?? teacher.Activation, "student");
    }
}
