using static TorchSharp.torch;

namespace Verify.Model.Runtime;

/// <summary>
/// Small tensor helpers with explicit dimensions. TorchSharp's <c>norm(1)</c> and <c>sum(0)</c>
/// bind to the p-norm and dtype overloads, so the suite never calls them with a bare integer.
/// </summary>
public static class TensorOps
{
    /// <summary>(N, k) -> (N): Euclidean norm of each row.</summary>
    public static Tensor RowNorms(Tensor t, bool keepdim = false) => t.Squared().sum([1L], keepdim).sqrt();

    /// <summary>(N, k) -> (k): Euclidean norm of each column.</summary>
    public static Tensor ColumnNorms(Tensor t, bool keepdim = false) => t.Squared().sum([0L], keepdim).sqrt();
}
