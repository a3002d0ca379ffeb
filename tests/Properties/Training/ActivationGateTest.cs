using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// The activation's gate is written once (<see cref="Activation.Gate"/>), and the training step's
/// in-place forms (<see cref="Activation.Gated_"/>, and <see cref="Activation.GatedByOutput_"/> that the
/// step uses on its hidden buffers) are that gate: s * sigma'(u), read from u or from sigma(u) (the
/// second from sigma(u) only), equals s times the gate (equal as numbers: a zero may carry either sign), for ReLU, leaky ReLU and the linear map, on inputs
/// that include exact zeros and negative zeros (where the gate must be closed).
/// </summary>
[TestFixture]
public sealed class ActivationGateTest
{
    public static readonly Activation[] Activations = [Activation.Relu, Activation.LeakyRelu(0.1), Activation.LeakyRelu(0.3), Activation.Linear];

    /// <summary>Each activation with the step's in-place forms in one pass over host memory (the CPU default) and by libtorch's operators.</summary>
    public static IEnumerable<TestCaseData> ActivationsAndPaths() =>
        Activations.SelectMany(a => new[] { new TestCaseData(a, true).SetArgDisplayNames(a.ToString(), "host memory"), new TestCaseData(a, false).SetArgDisplayNames(a.ToString(), "libtorch") });

    [TestCaseSource(nameof(ActivationsAndPaths))]
    public void TheStepsGate_IsTheActivationsGate_ReadFromTheInputOrTheOutput(Activation activation, bool hostMemory)
    {
        using var scope = NewDisposeScope();
        using var path = hostMemory ? null : HostMemory.Disabled();
        var (u, s) = Inputs(seed: 5);
        var expected = s * activation.Gate(u);
        var fromInput = activation.Gated_(s.clone(), u);
        var fromOutput = activation.Gated_(s.clone(), activation.Apply(u));
        var stepsForm = activation.GatedByOutput_(s.clone(), activation.Apply(u));

        fromInput.equal(expected).all().item<bool>().ShouldBeTrue($"{activation}: Gated_(s, u) differs from s * Gate(u)");
        fromOutput.equal(expected).all().item<bool>().ShouldBeTrue($"{activation}: Gated_(s, sigma(u)) differs from s * Gate(u)");
        stepsForm.equal(expected).all().item<bool>().ShouldBeTrue($"{activation}: GatedByOutput_(s, sigma(u)) differs from s * Gate(u)");
        var applied = activation.Apply_(u.clone());
        applied.equal(activation.Apply(u)).all().item<bool>().ShouldBeTrue($"{activation}: Apply_ differs from Apply");

        // The shared-input step's form: activate a block of a wider buffer in place and copy it into a trial's buffer.
        var wide = cat([u, u.neg()], 1);
        var block = wide.narrow(1, 0, u.shape[1]);
        var buffer = zeros([u.shape[0], u.shape[1] + 1], dtype: u.dtype);
        var into = buffer.narrow(1, 0, u.shape[1]);
        activation.ApplyInto_(block, into);
        block.equal(activation.Apply(u)).all().item<bool>().ShouldBeTrue($"{activation}: ApplyInto_ must activate its block in place");
        into.equal(activation.Apply(u)).all().item<bool>().ShouldBeTrue($"{activation}: ApplyInto_ must copy the activated block");
        wide.narrow(1, u.shape[1], u.shape[1]).equal(u.neg()).all().item<bool>().ShouldBeTrue($"{activation}: ApplyInto_ wrote outside its block");
        buffer.select(1, u.shape[1]).count_nonzero().item<long>().ShouldBe(0L, $"{activation}: ApplyInto_ wrote outside the copy's view");
    }

    /// <summary>In float32 the gate's values are the dtype's own: (1 - c) + c and c rounded as libtorch rounds them, so both paths give the same bits.</summary>
    [TestCaseSource(nameof(Activations))]
    public void TheStepsGate_InFloat32_IsTheSameOnBothPaths(Activation activation)
    {
        using var scope = NewDisposeScope();
        var (u64, s64) = Inputs(seed: 8);
        var (u, s) = (u64.to(ScalarType.Float32), s64.to(ScalarType.Float32));
        var sigma = activation.Apply(u);
        var expected = s * activation.Gate(u);
        activation.GatedByOutput_(s.clone(), sigma).equal(expected).all().item<bool>().ShouldBeTrue($"{activation}: float32 gate on host memory");
        using (HostMemory.Disabled())
            activation.GatedByOutput_(s.clone(), sigma).equal(expected).all().item<bool>().ShouldBeTrue($"{activation}: float32 gate by libtorch");
    }

    [TestCaseSource(nameof(Activations))]
    public void TheGate_IsOneWhereTheInputIsPositive_AndTheSlopeElsewhere(Activation activation)
    {
        using var scope = NewDisposeScope();
        var (u, _) = Inputs(seed: 6);
        var gate = activation.Gate(u).data<double>().ToArray();
        var values = u.data<double>().ToArray();
        for (var k = 0; k < values.Length; k++)
            gate[k].ShouldBe(values[k] > 0 ? 1.0 : activation.NegativeSlope, $"{activation}: gate at u = {values[k]:R}");
    }

    /// <summary>Negative control: the gate of another slope is caught by the same comparison.</summary>
    [Test]
    public void AnotherSlopesGate_IsNotMistakenForThisOne()
    {
        using var scope = NewDisposeScope();
        var (u, s) = Inputs(seed: 7);
        var expected = s * Activation.LeakyRelu(0.1).Gate(u);
        Activation.LeakyRelu(0.2).Gated_(s.clone(), u).equal(expected).all().item<bool>().ShouldBeFalse("a gate of slope 0.2 must differ from one of slope 0.1");
        Activation.Relu.Gated_(s.clone(), u).equal(expected).all().item<bool>().ShouldBeFalse("the ReLU gate must differ from a leaky one");
        // libtorch's output-only form reads the ReLU gate as sigma's sign: read from u instead of sigma(u)
        // it is wrong (-1 where u < 0), and the same comparison catches it.
        using (HostMemory.Disabled())
            Activation.Relu.GatedByOutput_(s.clone(), u).equal(s * Activation.Relu.Gate(u)).all().item<bool>().ShouldBeFalse("the ReLU gate read from u by its sign must differ from the gate");
    }

    /// <summary>u: 200 normal values with exact zeros and negative zeros among them; s: a signal of the same shape.</summary>
    static (Tensor U, Tensor S) Inputs(long seed)
    {
        using var rng = new Generator((ulong)seed);
        var u = randn([20, 10], dtype: ScalarType.Float64, generator: rng);
        u[0].zero_();
        u[1].neg_().zero_().neg_();
        var s = randn([20, 10], dtype: ScalarType.Float64, generator: rng);
        return (u, s);
    }
}
