using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Evidence;

/// <summary>
/// The analysis record of a trained pair of any depth: the lowest layer's <see cref="PairEvidence"/> (what claim 1
/// judges), how the run was finished (the point the verdict is read at lies next to where descent led: the
/// finisher's parameter distance and the lowest layer's numbers before the finish), and each hidden layer's best
/// correlation per teacher node and fan-out strength per student node.
/// </summary>
/// <param name="Lowest">The lowest layer's evidence at the judged point.</param>
/// <param name="Finish">How descent handed over and what the finisher did; null for a run that was not finished.</param>
/// <param name="Layers">Every hidden layer, lowest first.</param>
/// <param name="MaxGradientEveryLayer">max_x max_l ||g_l(x)|| over every layer's per-sample signal, the output residual included, at the judged point.</param>
public sealed record DeepPairEvidence(PairEvidence Lowest, FinishRecord? Finish, IReadOnlyList<LayerNumbers> Layers, double MaxGradientEveryLayer)
{
    /// <summary>Hidden layers of the pair.</summary>
    public int HiddenLayers => Layers.Count;

    /// <summary>Measures every layer of a pair on <paramref name="data"/> (the training set) beside its lowest-layer evidence <paramref name="lowest"/>.</summary>
    public static DeepPairEvidence Measure(RectifiedNetwork teacher, RectifiedNetwork student, Dataset data, PairEvidence lowest, FinishRecord? finish)
    {
        using var scope = NewDisposeScope();
        var strength = LowestLayerSignal.FanOutStrength(teacher, student, data.Inputs);
        var layers = Enumerable.Range(1, teacher.HiddenLayers)
            .Select(l => new LayerNumbers(l, l == 1 ? lowest.Report.BestCorrelationPerTeacher : Specialization.Analyze(teacher, student, data.Inputs, l).BestCorrelationPerTeacher, strength[l - 1]))
            .ToArray();
        return new DeepPairEvidence(lowest, finish, layers, SgdTrainer.Measure(student, data, everyLayer: true).MaxSampleGradient);
    }
}
