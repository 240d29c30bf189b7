"""A stand-in for the school e-journals (E-klase, Mykoob) as OpenID Connect providers."""
