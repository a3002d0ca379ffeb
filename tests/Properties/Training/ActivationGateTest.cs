using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// The activation's gate as a tensor (<see cref="Activation.Gate"/>) and the step's in-place forms on
/// both implementations of its operations (<see cref="IStepOps.Gate_"/>, <see cref="IStepOps.Activate_"/>,
/// <see cref="IStepOps.ActivateInto_"/>: libtorch's operators and the passes over host memory) are the
/// same function: s * sigma'(u), read from u or from sigma(u), equals s times the gate (equal as numbers:
/// a zero may carry either sign), and sigma in place equals sigma, for ReLU, leaky ReLU and the linear
/// map, on inputs that include exact zeros and negative zeros (where the gate must be closed).
/// </summary>
[TestFixture]
public sealed class ActivationGateTest
{
    public static readonly Activation[] Activations = [Activation.Relu, Activation.LeakyRelu(0.1), Activation.LeakyRelu(0.3), Activation.Linear];

    /// <summary>The implementations of the step's operations in this process: the reference, and the direct one where there are host pointers (every platform TorchSharp ships).</summary>
    static IEnumerable<IStepOps> Paths() => StepOps.Direct is { } direct ? [StepOps.Reference, direct] : [StepOps.Reference];

    /// <summary>Each activation with each implementation of the step's operations.</summary>
    public static IEnumerable<TestCaseData> ActivationsAndPaths() =>
        Activations.SelectMany(a => Paths().Select(ops => new TestCaseData(a, ops is DirectStepOps).SetArgDisplayNames(a.ToString(), ops is DirectStepOps ? "direct" : "libtorch")));

    [TestCaseSource(nameof(ActivationsAndPaths))]
    public void TheStepsGate_IsTheActivationsGate_ReadFromTheInputOrTheOutput(Activation activation, bool direct)
    {
        using var scope = NewDisposeScope();
        var ops = direct ? StepOps.Direct! : StepOps.Reference;
        var c = activation.NegativeSlope;
        var (u, s) = Inputs(seed: 5);
        var expected = s * activation.Gate(u);
        var fromInput = s.clone();
        ops.Gate_(fromInput, u, c);
        var fromOutput = s.clone();
        ops.Gate_(fromOutput, activation.Apply(u), c);

        fromInput.equal(expected).all().item<bool>().ShouldBeTrue($"{activation}, {ops.Name}: Gate_(s, u) differs from s * Gate(u)");
        fromOutput.equal(expected).all().item<bool>().ShouldBeTrue($"{activation}, {ops.Name}: Gate_(s, sigma(u)) differs from s * Gate(u)");
        var applied = u.clone();
        ops.Activate_(applied, c);
        applied.equal(activation.Apply(u)).all().item<bool>().ShouldBeTrue($"{activation}, {ops.Name}: Activate_ differs from Apply");

        // The shared-input step's form: activate a block of a wider buffer in place and copy it into a trial's buffer.
        var wide = cat([u, u.neg()], 1);
        var block = wide.narrow(1, 0, u.shape[1]);
        var buffer = zeros([u.shape[0], u.shape[1] + 1], dtype: u.dtype);
        var into = buffer.narrow(1, 0, u.shape[1]);
        ops.ActivateInto_(block, into, c);
        block.equal(activation.Apply(u)).all().item<bool>().ShouldBeTrue($"{activation}, {ops.Name}: ActivateInto_ must activate its block in place");
        into.equal(activation.Apply(u)).all().item<bool>().ShouldBeTrue($"{activation}, {ops.Name}: ActivateInto_ must copy the activated block");
        wide.narrow(1, u.shape[1], u.shape[1]).equal(u.neg()).all().item<bool>().ShouldBeTrue($"{activation}, {ops.Name}: ActivateInto_ wrote outside its block");
        buffer.select(1, u.shape[1]).count_nonzero().item<long>().ShouldBe(0L, $"{activation}, {ops.Name}: ActivateInto_ wrote outside the copy's view");
    }

    /// <summary>In float32 the gate's values are the dtype's own: (1 - c) + c and c rounded as libtorch rounds them, so both paths give the same bits.</summary>
    [TestCaseSource(nameof(ActivationsAndPaths))]
    public void TheStepsGate_InFloat32_IsTheSameOnBothPaths(Activation activation, bool direct)
    {
        using var scope = NewDisposeScope();
        var ops = direct ? StepOps.Direct! : StepOps.Reference;
        var (u64, s64) = Inputs(seed: 8);
        var (u, s) = (u64.to(ScalarType.Float32), s64.to(ScalarType.Float32));
        var sigma = activation.Apply(u);
        var expected = s * activation.Gate(u);
        var gated = s.clone();
        ops.Gate_(gated, sigma, activation.NegativeSlope);
        gated.equal(expected).all().item<bool>().ShouldBeTrue($"{activation}: float32 gate by {ops.Name}");
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

    /// <summary>Negative control: the gate of another slope, read by either path, is caught by the same comparison.</summary>
    [Test]
    public void AnotherSlopesGate_IsNotMistakenForThisOne()
    {
        using var scope = NewDisposeScope();
        var (u, s) = Inputs(seed: 7);
        var expected = s * Activation.LeakyRelu(0.1).Gate(u);
        foreach (var ops in Paths())
        {
            var other = s.clone();
            ops.Gate_(other, u, 0.2);
            other.equal(expected).all().item<bool>().ShouldBeFalse($"{ops.Name}: a gate of slope 0.2 must differ from one of slope 0.1");
            var relu = s.clone();
            ops.Gate_(relu, u, 0.0);
            relu.equal(expected).all().item<bool>().ShouldBeFalse($"{ops.Name}: the ReLU gate must differ from a leaky one");
        }
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
