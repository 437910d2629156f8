from autograd import Value

# the 3-2-1 network: 3 inputs, 2 hidden neurons, 1 output
x = [Value(2.0, "x0"), Value(3.0, "x1"), Value(-1.0, "x2")]
W1 = [[Value(0.2, "W1[0][0]"), Value(-0.5, "W1[0][1]"), Value(0.1, "W1[0][2]")],
      [Value(-0.3, "W1[1][0]"), Value(0.4, "W1[1][1]"), Value(0.2, "W1[1][2]")]]
b1 = [Value(0.3, "b1[0]"), Value(-0.1, "b1[1]")]
W2 = [Value(0.5, "W2[0]"), Value(0.2, "W2[1]")]
b2 = Value(0.1, "b2")
target = 1.0


def neuron(w, inputs, b, name):
    z = w[0] * inputs[0]
    for wi, xi in zip(w[1:], inputs[1:]):
        z = z + wi * xi
    z = z + b
    z.label = name
    return z


a1 = []
for r in range(2):
    a = neuron(W1[r], x, b1[r], f"z1[{r}]").sigmoid()  # or .tanh(), .relu()
    a.label = f"a1[{r}]"
    a1.append(a)
a2 = neuron(W2, a1, b2, "z2").sigmoid()
a2.label = "a2"
err = a2 - target
err.label = "err"
C = err ** 2
C.label = "C"
print("a2 =", a2.data)
print("C  =", C.data)
