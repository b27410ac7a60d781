namespace Vmdq.Toolkit.Classification;

/// <summary>How the per-frame paths compute a <see cref="Toeplitz"/> hash. Tests force each on the same inputs.</summary>
internal enum ToeplitzPath
{
    /// <summary>One table load per input byte (36 per frame): any CPU.</summary>
    Table,

    /// <summary>Nine carry-less multiplies per frame (PCLMULQDQ); four frames at a time, each lane's frame alone.</summary>
    Clmul,

    /// <summary>As <see cref="Clmul"/>, and four frames at a time with two products per instruction (VPCLMULQDQ on 256-bit vectors).</summary>
    Clmul4,
}
