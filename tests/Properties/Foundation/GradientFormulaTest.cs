using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The per-sample signal g_l(x): the paper's closed form (two layers), its recursive rule (any
/// depth) and the trainer's back-propagation all equal autograd, at arbitrary weights.
/// </summary>
[TestFixture]
public sealed class GradientFormulaTest
{
    static readonly Activation[] Activations = [Activation.Relu, Activation.LeakyRelu(0.2)];

    [TestCaseSource(nameof(Activations))]
    public void ClosedFormTwoLayerSignal_EqualsAutograd(Activation activation)
    {
        for (var seed = 1; seed <= 5; seed++)
        {
            using var scope = NewDisposeScope();
            using var pair = Pair.Build(d: 6, teacherWidths: [4], multi: 3, samples: 64, seed: seed, activation: activation, initStd: 0.5);
            var reference = Autograd.Signals(pair.Student, pair.Data.Inputs, pair.Data.Targets)[0];
            var closed = LowestLayerSignal.ClosedForm(pair.Teacher, pair.Student, pair.Data.Inputs);
            var error = Numerics.RelativeError(closed, reference);
            error.ShouldBeLessThan(Tolerances.Float64Identity, $"closed form vs autograd, {pair}");
        }
    }

    [Test]
    public void RecursiveRule_EqualsAutogradAtEveryLayer([Values(2, 3)] int hiddenLayers, [ValueSource(nameof(Activations))] Activation activation)
    {
        for (var seed = 1; seed <= 4; seed++)
        {
            using var scope = NewDisposeScope();
            var widths = Enumerable.Range(0, hiddenLayers).Select(l => 3 + l).ToArray();
            using var pair = Pair.Build(d: 5, teacherWidths: widths, multi: 2, samples: 48, seed: seed, activation: activation, initStd: 0.5);
            var reference = Autograd.Signals(pair.Student, pair.Data.Inputs, pair.Data.Targets);
            var recursive = LowestLayerSignal.Recursive(pair.Teacher, pair.Student, pair.Data.Inputs);
            var backprop = Backprop.Signals(pair.Student, pair.Data.Inputs, pair.Data.Targets);
            for (var l = 0; l < hiddenLayers; l++)
            {
                Numerics.RelativeError(recursive[l], reference[l]).ShouldBeLessThan(Tolerances.Float64Identity, $"recursion vs autograd at layer {l + 1}, {pair}");
                Numerics.RelativeError(backprop[l], reference[l]).ShouldBeLessThan(Tolerances.Float64Identity, $"back-propagation vs autograd at layer {l + 1}, {pair}");
            }
        }
    }

    [FsCheck.NUnit.Property(MaxTest = 25)]
    public Property BackpropLowestSignal_EqualsAutograd_ForGeneratedShapes()
    {
        var shapes =
            // Fan-in >= 2 everywhere: a layer fed by one node cannot hold two non-co-linear teacher vectors.
            from d in Gen.Choose(2, 6)
            from depth in Gen.Choose(1, 3)
            from widths in Gen.ArrayOf(Gen.Choose(2, 4), depth)
            from multi in Gen.Choose(1, 3)
            from leaky in Gen.Elements(false, true)
            from seed in Gen.Choose(0, 10_000)
            select (d, widths, multi, leaky, seed);
        return Prop.ForAll(shapes.ToArbitrary(), c =>
        {
            using var scope = NewDisposeScope();
            using var pair = Pair.Build(c.d, c.widths, c.multi, samples: 20, seed: c.seed, activation: c.leaky ? Activation.LeakyRelu(0.1) : Activation.Relu, initStd: 0.5);
            var reference = Autograd.Signals(pair.Student, pair.Data.Inputs, pair.Data.Targets)[0];
            var backprop = Backprop.Signals(pair.Student, pair.Data.Inputs, pair.Data.Targets)[0];
            var error = Numerics.RelativeError(backprop, reference);
            return (error < Tolerances.Float64Identity).Label($"relative error {error:E2}, {pair}");
        });
    }
}
