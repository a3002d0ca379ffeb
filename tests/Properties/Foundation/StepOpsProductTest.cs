using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The step's products through its door (<see cref="IStepOps.Multiply"/> and <see cref="IStepOps.MultiplyAdd"/>),
/// for every implementation this process has: the reference on every machine, and the direct path
/// where it exists. Each computes c = a b (or c + a b) for operands by rows, by columns or inside wider
/// buffers and destinations whole or side by side in a wider matrix, and writes nothing outside the
/// destination. Unlike <see cref="BatchedGemmTest"/>, nothing here needs MKL or a CPU feature.
/// </summary>
[TestFixture]
public sealed class StepOpsProductTest
{
    static IEnumerable<IStepOps> Implementations() => StepOps.Direct is { } direct ? [StepOps.Reference, direct] : [StepOps.Reference];

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property EachImplementation_ComputesTheProduct_WrittenOnlyIntoItsDestination() =>
        Prop.ForAll(BatchedGemmTest.Cases().ToArbitrary(), drawn =>
        {
            // Multiply is alpha 1, beta 0; MultiplyAdd alpha 1, beta 1.
            var c = drawn with { Alpha = 1, Beta = drawn.Beta == 0 ? 0 : 1 };
            var failures = new List<string>();
            foreach (var ops in Implementations())
            {
                using var scope = NewDisposeScope();
                using var rng = new Generator((ulong)c.Seed);
                var a = BatchedGemmTest.Operand(c.A, c.T, c.M, c.K, c.DType, rng);
                var b = BatchedGemmTest.Operand(c.B, c.T, c.K, c.N, c.DType, rng);
                var (destination, buffer) = BatchedGemmTest.Destination(c, rng);
                if (c.Beta == 0) destination.Fill_(double.NaN); // Multiply must ignore the old values, NaN included
                var expected = BatchedGemmTest.Expected(a, b, destination, c.Alpha, c.Beta);
                var outside = BatchedGemmTest.Outside(c, buffer).clone();
                if (c.Beta == 0) ops.Multiply(destination, a, b);
                else ops.MultiplyAdd(destination, a, b);
                var error = BatchedGemmTest.Error(destination, expected);
                var tolerance = c.DType == ScalarType.Float64 ? 1e-12 : 1e-5;
                var untouched = BatchedGemmTest.Outside(c, buffer).equal(outside).all().item<bool>();
                if (!(error <= tolerance) || !untouched)
                    failures.Add($"{ops.Name}: relative error {error:E2} (allowed {tolerance:E0}), outside untouched {untouched}");
            }
            return (failures.Count == 0).Label($"{c}: {string.Join("; ", failures)}");
        });

    /// <summary>Negative control of the comparison above, for each implementation: a product with b's transpose is told apart.</summary>
    [Test]
    public void TheComparison_CatchesAProductOfTheWrongOperand()
    {
        foreach (var ops in Implementations())
        {
            using var scope = NewDisposeScope();
            using var rng = new Generator(3);
            var a = randn([4, 5, 6], dtype: ScalarType.Float64, generator: rng);
            var b = randn([4, 6, 6], dtype: ScalarType.Float64, generator: rng);
            var c = zeros([4, 5, 6], dtype: ScalarType.Float64);
            ops.Multiply(c, a, b);
            BatchedGemmTest.Error(c, BatchedGemmTest.Expected(a, b, zeros_like(c), 1, 0)).ShouldBeLessThanOrEqualTo(1e-12, $"{ops.Name}: the right operand");
            BatchedGemmTest.Error(c, BatchedGemmTest.Expected(a, b.transpose(1, 2), zeros_like(c), 1, 0)).ShouldBeGreaterThan(0.1, $"{ops.Name}: b's transpose must be told apart");
        }
    }
}
